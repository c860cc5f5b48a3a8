/**
 * Failpoints for fault tests: named places in the server where a test can make the process kill
 * itself (SIGKILL, as `kill -9` would), to prove recovery from a crash at exactly that point.
 *
 * Honoured only when VANE_TEST_FAILPOINTS=1 is set as well, so a stray VANE_FAILPOINTS in a
 * production environment does nothing. VANE_FAILPOINTS is a comma-separated list of `name` or
 * `name@N` (die the Nth time the point is reached; default the first).
 *
 * Points: `checkpoint.before` (a checkpoint round is about to write), `checkpoint.inside` (some
 * of its records are durable, not all), `checkpoint.after` (all durable, nothing else done yet),
 * `ingest.after-append` (a batch is durable in the log, not yet applied or acknowledged),
 * `check.log-slice` (`vane check` read a slice of the log: stands for the storage library dying
 * on a damaged page, which no test can cause on purpose portably).
 */
export const FAILPOINT_NAMES = [
  'checkpoint.before',
  'checkpoint.inside',
  'checkpoint.after',
  'ingest.after-append',
  'check.log-slice',
] as const;

export type FailpointName = (typeof FAILPOINT_NAMES)[number];

/** Reaching a failpoint: dies there if armed. */
export type Failpoint = (name: FailpointName) => void;

/** The failpoints the environment arms; a no-op unless VANE_TEST_FAILPOINTS=1. */
export function failpointsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  die: () => void = () => process.kill(process.pid, 'SIGKILL'),
): Failpoint {
  if (env.VANE_TEST_FAILPOINTS !== '1' || !env.VANE_FAILPOINTS) return () => {};
  const armed = parseFailpoints(env.VANE_FAILPOINTS);
  const hits = new Map<FailpointName, number>();
  return (name) => {
    const at = armed.get(name);
    if (at === undefined) return;
    const hit = (hits.get(name) ?? 0) + 1;
    hits.set(name, hit);
    if (hit === at) die();
  };
}

/** `a,b@3` → {a: 1, b: 3}; an unknown name or a bad count throws (a test typo must not pass). */
export function parseFailpoints(spec: string): Map<FailpointName, number> {
  const armed = new Map<FailpointName, number>();
  for (const part of spec.split(',').map((item) => item.trim())) {
    if (part === '') continue;
    const [name, count] = part.split('@') as [string, string | undefined];
    if (!(FAILPOINT_NAMES as readonly string[]).includes(name)) {
      throw new Error(
        `VANE_FAILPOINTS: unknown failpoint '${name}' (known: ${FAILPOINT_NAMES.join(', ')})`,
      );
    }
    const at = count === undefined ? 1 : Number(count);
    if (!Number.isInteger(at) || at < 1) {
      throw new Error(`VANE_FAILPOINTS: '${part}' needs a whole count of 1 or more after @`);
    }
    armed.set(name as FailpointName, at);
  }
  return armed;
}
