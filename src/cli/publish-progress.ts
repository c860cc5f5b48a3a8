import { terminalSize } from './terminal-size.ts';
import type { PublishCounts } from './batch-publisher.ts';

/** How far a `vane publish` run got, for the progress line and the summary. */
export interface ProgressSnapshot {
  counts: PublishCounts;
  elapsedMs: number;
  bytesRead: number;
  totalBytes: number | undefined;
}

const PROGRESS_EVERY_MS = 200;

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Cells of the bar drawn when the input's size is known. */
const BAR_CELLS = 20;

/**
 * `[#########-----------] 45% · sent 12,000 · acked 11,500 · 4,100 events/s · ETA 12 s`; without
 * a known size (a pipe), the counts and the rate only.
 */
export function progressLine(progress: ProgressSnapshot): string {
  const { counts, elapsedMs, bytesRead, totalBytes } = progress;
  const parts: string[] = [];
  const fraction =
    totalBytes !== undefined && totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : undefined;
  if (fraction !== undefined) {
    const filled = Math.floor(fraction * BAR_CELLS);
    parts.push(
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_CELLS - filled)}] ${Math.floor(fraction * 100)}%`,
    );
  }
  parts.push(
    `sent ${number.format(counts.sent)}`,
    `acked ${number.format(counts.acked)}`,
    `${number.format(rate(counts.acked, elapsedMs))} events/s`,
  );
  if (counts.rejected.length > 0) parts.push(`rejected ${number.format(counts.rejected.length)}`);
  if (fraction !== undefined && fraction > 0 && fraction < 1) {
    parts.push(`ETA ${seconds((elapsedMs * (1 - fraction)) / fraction)}`);
  }
  return parts.join(' · ');
}

/** `published to trades: 9,990 accepted, 10 duplicates, 0 rejected in 2.3 s (4,300 events/s)` */
export function summaryLine(stream: string, progress: ProgressSnapshot): string {
  const { counts, elapsedMs } = progress;
  return (
    `published to ${stream}: ${number.format(counts.accepted)} accepted, ` +
    `${number.format(counts.duplicates)} duplicates, ${number.format(counts.rejected.length)} rejected ` +
    `in ${seconds(elapsedMs)} (${number.format(rate(counts.acked, elapsedMs))} events/s)`
  );
}

function rate(events: number, elapsedMs: number): number {
  return elapsedMs <= 0 ? 0 : (events * 1000) / elapsedMs;
}

function seconds(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A progress line on stderr, rewritten in place, only when stderr is a terminal. */
export function startProgress(quiet: boolean, line: () => string): { stop(): void } {
  if (quiet || process.stderr.isTTY !== true) return { stop: () => undefined };
  const draw = (): void => {
    const width = terminalSize(process.stderr.columns, process.env.COLUMNS, 80);
    process.stderr.write(`\r${line().slice(0, width - 1)}\x1b[K`);
  };
  // Drawn at once too: a short run still says what it is doing.
  draw();
  const timer = setInterval(draw, PROGRESS_EVERY_MS);
  return {
    stop: () => {
      clearInterval(timer);
      process.stderr.write('\r\x1b[K');
    },
  };
}
