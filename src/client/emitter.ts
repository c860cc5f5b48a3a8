/** A listener map: event name → listener signature. */
export type EventMap = Record<string, (...args: never[]) => void>;

/**
 * A small typed event emitter that works in browsers and Node. A listener that throws does not
 * stop the others nor corrupt the caller's state: its error is re-thrown on a fresh task, where
 * the host reports it (the browser console, Node's uncaughtException).
 */
export class Emitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a listener; the returned function removes it. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.listeners.get(event)?.delete(listener);
  }

  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }
}
