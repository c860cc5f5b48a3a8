import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el } from './dom.ts';
import { frameScheduler } from './frame-scheduler.ts';

/** At most this many lines: more would be unreadable (and the first ones are the top N). */
export const MAX_SERIES = 50;
/** Lines named in the legend; the rest are counted. */
const LEGEND_NAMES = 16;
/** Points kept per line: at one sample per 200 ms, the last two and a half minutes. */
const MAX_POINTS = 750;

const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const PALETTE = [
  '#58a6ff',
  '#3fb978',
  '#f0883e',
  '#d2a8ff',
  '#ff7b72',
  '#e3b341',
  '#39c5cf',
  '#f778ba',
  '#a5d6ff',
  '#7ee787',
  '#ffa657',
  '#bc8cff',
  '#ffa198',
  '#f2cc60',
  '#56d4dd',
  '#ff9bce',
];

/**
 * A time-series chart of one numeric column, one line per group, on uPlot. Built once per
 * (view, column, set of groups); samples are appended to bounded arrays and drawn at most once
 * per animation frame with `setData`, so 50 lines updated 10 times a second cost a few redraws
 * a second, not one per delta.
 */
export class SeriesChart {
  private plot: uPlot | undefined;
  private names: string[] = [];
  private times: number[] = [];
  private values: (number | null)[][] = [];
  private readonly draw = frameScheduler(() => this.redraw());
  private readonly resize: ResizeObserver;

  /**
   * `container` holds the plot and is sized by the page (the plot fills it); `legend` lists the
   * lines' names and colours (uPlot's own legend is off: it would change the plot's height).
   */
  constructor(
    private readonly container: HTMLElement,
    private readonly legend: HTMLElement,
  ) {
    this.resize = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.resize.observe(container);
  }

  /** The names of the lines, in legend order. */
  get series(): readonly string[] {
    return this.names;
  }

  /** Starts over: no lines, no history (a different view or column). */
  reset(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.names = [];
    this.times = [];
    this.values = [];
    this.legend.replaceChildren();
  }

  /**
   * Appends one sample: each line's value at `timeMs` (a missing line gets a gap). New group
   * names add lines (up to MAX_SERIES), which rebuilds the chart once; their history is empty.
   */
  push(timeMs: number, sample: ReadonlyMap<string, number | null>): void {
    let added = false;
    for (const name of sample.keys()) {
      if (this.names.length >= MAX_SERIES) break;
      if (this.names.includes(name)) continue;
      this.names.push(name);
      this.values.push(this.times.map(() => null));
      added = true;
    }
    this.times.push(timeMs / 1000);
    this.names.forEach((name, index) => this.values[index]!.push(sample.get(name) ?? null));
    if (this.times.length > MAX_POINTS) {
      this.times.shift();
      for (const line of this.values) line.shift();
    }
    if (added) this.rebuild();
    this.draw();
  }

  destroy(): void {
    this.resize.disconnect();
    this.reset();
  }

  private rebuild(): void {
    this.plot?.destroy();
    const options: uPlot.Options = {
      ...this.size(),
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { show: false },
      scales: { x: { time: true } },
      axes: [
        {
          stroke: '#8b949e',
          grid: { stroke: '#21262d', width: 1 },
          ticks: { stroke: '#30363d' },
          space: 70,
          // Whole seconds at least, and the time of day only: the chart spans minutes.
          incrs: TIME_STEPS_S,
          values: (_plot, splits) => splits.map((seconds) => clock.format(seconds * 1000)),
        },
        {
          stroke: '#8b949e',
          grid: { stroke: '#21262d', width: 1 },
          ticks: { stroke: '#30363d' },
          // Wide enough for the longest label (uPlot passes the formatted tick labels).
          size: (_plot, values) =>
            values === null ? 50 : 18 + 7 * Math.max(...values.map((label) => label.length)),
        },
      ],
      series: [
        {},
        ...this.names.map((name, index) => ({
          label: name,
          stroke: PALETTE[index % PALETTE.length]!,
          width: 1.5,
          spanGaps: true,
          points: { show: false },
        })),
      ],
    };
    this.plot = new uPlot(options, this.data(), this.container);
    this.renderLegend();
  }

  private renderLegend(): void {
    const named = this.names
      .slice(0, LEGEND_NAMES)
      .map((name, index) =>
        el(
          'span',
          { class: 'legend-item' },
          el('i', { style: `background:${PALETTE[index % PALETTE.length]!}` }),
          name,
        ),
      );
    const more = this.names.length - named.length;
    this.legend.replaceChildren(
      ...named,
      ...(more > 0 ? [el('span', { class: 'legend-more', text: `+${more} more` })] : []),
    );
  }

  private redraw(): void {
    if (this.plot === undefined && this.names.length > 0) this.rebuild();
    this.plot?.setData(this.data());
  }

  private data(): uPlot.AlignedData {
    return [this.times, ...this.values];
  }

  private size(): { width: number; height: number } {
    return {
      width: Math.max(200, this.container.clientWidth),
      height: Math.max(100, this.container.clientHeight),
    };
  }
}
