import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../util/index.ts';
import type { DemoEvent, EventModel } from './event-model.ts';
import { EventPump, type Publish } from './event-pump.ts';

/** Two events per advance, with ids that never repeat. */
class CountingModel implements EventModel {
  readonly stream = 'things';
  private n = 0;
  advance(): DemoEvent[] {
    return [{ id: `e${++this.n}` }, { id: `e${++this.n}` }];
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EventPump', () => {
  it('publishes a batch per tick, one at a time', async () => {
    vi.useFakeTimers();
    const batches: DemoEvent[][] = [];
    let release: () => void = () => {};
    const publish: Publish = (_stream, events) => {
      batches.push(events);
      return new Promise((resolve) => {
        release = () => resolve({ accepted: events.length, duplicates: 0 });
      });
    };
    const pump = new EventPump({
      model: new CountingModel(),
      publish,
      clock: new ManualClock(0),
      tickMs: 100,
      onError: () => {},
    });
    pump.start();
    await vi.advanceTimersByTimeAsync(350);
    expect(batches).toHaveLength(1); // the first is still in flight: ticks are skipped
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(batches).toHaveLength(2);
    release();
    const stopped = pump.stop();
    await stopped;
    expect(pump.accepted).toBe(4);
  });

  it('reports a failed publish, retries the same events, and carries on', async () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    let failures = 1;
    const publish: Publish = (_stream, events) => {
      sent.push(events.map((event) => event.id as string));
      if (failures-- > 0) return Promise.reject(new Error('overloaded'));
      return Promise.resolve({ accepted: events.length, duplicates: 0 });
    };
    const errors: string[] = [];
    const pump = new EventPump({
      model: new CountingModel(),
      publish,
      clock: new ManualClock(0),
      tickMs: 100,
      onError: (error, stream) => errors.push(`${stream}: ${(error as Error).message}`),
    });
    pump.start();
    await vi.advanceTimersByTimeAsync(300);
    await pump.stop();
    expect(errors).toEqual(['things: overloaded']);
    expect(sent[0]).toEqual(sent[1]);
    expect(sent[2]).not.toEqual(sent[1]);
    expect(pump.accepted).toBe(4);
  });

  it('gives a batch up after three failures', async () => {
    vi.useFakeTimers();
    const pump = new EventPump({
      model: new CountingModel(),
      publish: () => Promise.reject(new Error('down')),
      clock: new ManualClock(0),
      tickMs: 100,
      onError: () => {},
    });
    pump.start();
    await vi.advanceTimersByTimeAsync(300);
    await pump.stop();
    expect(pump.droppedBatches).toBe(1);
  });

  it('stop waits for the publish in flight and then publishes nothing more', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let release: () => void = () => {};
    const pump = new EventPump({
      model: new CountingModel(),
      publish: (_stream, events) => {
        calls += 1;
        return new Promise((resolve) => {
          release = () => resolve({ accepted: events.length, duplicates: 0 });
        });
      },
      clock: new ManualClock(0),
      tickMs: 100,
      onError: () => {},
    });
    pump.start();
    await vi.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = pump.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(1);
    expect(pump.accepted).toBe(2);
  });
});
