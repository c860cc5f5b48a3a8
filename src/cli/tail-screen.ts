import { terminalSize } from './terminal-size.ts';
import { liveFrame } from './live-table-view.ts';

/** What the screen shows; read at every redraw. */
export interface ScreenSource {
  title(): string;
  columns(): readonly string[];
  rows(): readonly Record<string, unknown>[];
  /** Whether the cell of the row at `rowIndex` (of `rows()`) changed recently. */
  highlighted(rowIndex: number, column: string): boolean;
  /** Show the last rows when they do not all fit (a stream's newest events). */
  readonly keepLast: boolean;
}

const REDRAW_EVERY_MS = 100;
/** How long a changed cell stays highlighted (the screen keeps redrawing until then). */
export const HIGHLIGHT_MS = 1_000;

/**
 * Draws a ScreenSource in place on a terminal: at most one redraw per 100 ms, and only when
 * something changed (or a highlight is fading). Each redraw moves the cursor back to the top of
 * the previous frame and overwrites it, so the table updates in place without clearing the
 * terminal's scrollback. The frame is cut to the terminal's size, so it never wraps.
 */
export class TailScreen {
  private timer: ReturnType<typeof setInterval> | undefined;
  private drawnLines = 0;
  private dirty = true;
  private lastChangeMs = -Infinity;
  private readonly onResize = (): void => this.invalidate();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly source: ScreenSource,
  ) {}

  /** Something the source shows changed: redraw at the next tick. */
  invalidate(): void {
    this.dirty = true;
    this.lastChangeMs = performance.now();
  }

  start(): void {
    this.out.write('\x1b[?25l');
    this.out.on('resize', this.onResize);
    this.draw();
    this.timer = setInterval(() => {
      const fading = performance.now() - this.lastChangeMs < HIGHLIGHT_MS + REDRAW_EVERY_MS;
      if (this.dirty || fading) this.draw();
    }, REDRAW_EVERY_MS);
  }

  /** The last frame stays on the terminal; the cursor comes back below it. */
  stop(): void {
    clearInterval(this.timer);
    this.out.off('resize', this.onResize);
    this.draw();
    this.out.write('\x1b[?25h');
  }

  private draw(): void {
    this.dirty = false;
    const lines = liveFrame({
      title: this.source.title(),
      columns: this.source.columns(),
      rows: this.source.rows(),
      width: terminalSize(this.out.columns, process.env.COLUMNS, 80),
      height: terminalSize(this.out.rows, process.env.LINES, 24),
      highlighted: (rowIndex, column) => this.source.highlighted(rowIndex, column),
      keepLast: this.source.keepLast,
    });
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    this.out.write(`${up}${lines.map((line) => `${line}\x1b[K`).join('\n')}\n\x1b[J`);
    this.drawnLines = lines.length;
  }
}
