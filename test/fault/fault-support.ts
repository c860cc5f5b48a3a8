/**
 * Small pieces shared by the recovery fault tests: settings from the environment, cleanup after a
 * failed test, reading a view over HTTP, and comparing row sets with messages a person can act on.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess } from './server-process.ts';

/** `text` as a positive integer, or `fallback` when it is unset. */
export function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`not a positive integer: ${text}`);
  return value;
}

/** Work to undo after a test whatever happened, last registered first; never throws. */
export class Cleanups {
  private readonly steps: (() => Promise<void> | void)[] = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // Best effort: the test already reported what failed.
      }
    }
  }
}

/** A fresh directory (mkdtemp) holding `schema.sql`; removed by `cleanups`. */
export async function scratchDir(
  cleanups: Cleanups,
  schemaSql: string,
): Promise<{ dir: string; initFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'vane-fault-'));
  cleanups.add(() => rm(dir, { recursive: true, force: true }));
  const initFile = join(dir, 'schema.sql');
  await writeFile(initFile, schemaSql);
  return { dir, initFile };
}

/**
 * Starts `vane serve` processes on one data dir, each force-killed by `cleanups` if still
 * running: `serve(0)` picks a free port, later calls pass that port to come back on it.
 */
export function serverStarter(
  cleanups: Cleanups,
  options: {
    dataDir: string;
    initFile: string;
    readyTimeoutMs: number;
    checkpointIntervalMs: number;
  },
): (port: number) => Promise<ServerProcess> {
  const servers: ServerProcess[] = [];
  cleanups.add(async () => {
    for (const started of servers) await started.forceKill();
  });
  return async (port) => {
    const started = await ServerProcess.start({ ...options, port });
    servers.push(started);
    return started;
  };
}

export type Row = Record<string, unknown>;

/** `GET /v1/views/{view}` (SPEC §5). */
export interface ViewState {
  rows: Row[];
  epoch: string;
  offset: number;
}

export async function readView(baseUrl: string, view: string): Promise<ViewState> {
  const url = `${baseUrl}/v1/views/${view}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  const body = JSON.parse(text) as Partial<ViewState>;
  if (
    !Array.isArray(body.rows) ||
    typeof body.epoch !== 'string' ||
    typeof body.offset !== 'number'
  ) {
    throw new Error(`GET ${url}: not {rows, epoch, offset}: ${text.slice(0, 300)}`);
  }
  return body as ViewState;
}

/** The primary key of a row as one string. */
export function rowKey(row: Row, key: readonly string[]): string {
  return JSON.stringify(key.map((column) => row[column] ?? null));
}

/** Rows by primary key; a key seen twice is reported in `problems`. */
export function byKey(
  rows: readonly Row[],
  key: readonly string[],
  problems: string[],
  what: string,
): Map<string, Row> {
  const map = new Map<string, Row>();
  for (const row of rows) {
    const k = rowKey(row, key);
    if (map.has(k)) problems.push(`${what}: key ${k} appears twice`);
    map.set(k, row);
  }
  return map;
}

export interface CompareOptions {
  /** Columns compared with this relative tolerance instead of exactly (order-dependent floats). */
  approximate?: readonly string[];
  tolerance?: number;
  /** At most this many differences are listed; the rest are counted. @default 15 */
  maxListed?: number;
  /** Extra words for a differing row (e.g. what a weaker expectation says). */
  explain?: (key: string) => string;
}

/**
 * The differences between `actual` and `expected` rows (same key, same columns, same values) as
 * messages, at most `maxListed` of them plus a count of the rest; empty when they agree.
 */
export function diffRows(
  what: string,
  actual: readonly Row[],
  expected: readonly Row[],
  key: readonly string[],
  options: CompareOptions = {},
): string[] {
  const problems: string[] = [];
  const actualByKey = byKey(actual, key, problems, `${what} (actual)`);
  const expectedByKey = byKey(expected, key, problems, `${what} (expected)`);
  const approximate = new Set(options.approximate ?? []);
  const tolerance = options.tolerance ?? 1e-9;
  const differences: string[] = [];
  const explain = (k: string) => (options.explain === undefined ? '' : ` ${options.explain(k)}`);
  for (const [k, want] of expectedByKey) {
    const got = actualByKey.get(k);
    if (got === undefined) {
      differences.push(`missing row ${k}: expected ${JSON.stringify(want)}${explain(k)}`);
      continue;
    }
    const columns = new Set([...Object.keys(want), ...Object.keys(got)]);
    const wrong = [...columns].filter((column) =>
      approximate.has(column)
        ? !closeEnough(got[column], want[column], tolerance)
        : JSON.stringify(got[column]) !== JSON.stringify(want[column]),
    );
    if (wrong.length > 0) {
      const detail = wrong
        .map(
          (column) =>
            `${column}: got ${JSON.stringify(got[column])}, expected ${JSON.stringify(want[column])}`,
        )
        .join('; ');
      differences.push(`row ${k}: ${detail}${explain(k)}`);
    }
  }
  for (const [k, got] of actualByKey) {
    if (!expectedByKey.has(k)) {
      differences.push(`unexpected row ${k}: ${JSON.stringify(got)}${explain(k)}`);
    }
  }
  const maxListed = options.maxListed ?? 15;
  problems.push(...differences.slice(0, maxListed).map((text) => `${what}: ${text}`));
  if (differences.length > maxListed) {
    problems.push(`${what}: … and ${differences.length - maxListed} more differing rows`);
  }
  if (differences.length > 0) {
    problems.push(
      `${what}: ${differences.length} rows differ (${actual.length} rows read, ` +
        `${expected.length} expected)`,
    );
  }
  return problems;
}

function closeEnough(actual: unknown, expected: unknown, tolerance: number): boolean {
  if (typeof actual !== 'number' || typeof expected !== 'number') return actual === expected;
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Waits until `condition()` holds, polling every `everyMs`; rejects naming `what` at the deadline. */
export async function until(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
  everyMs = 20,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
