/**
 * Holt's linear trend method (double exponential smoothing) over values folded in order, in six
 * slots starting at `at`: [n, level, trend, first value, zero-start level, zero-start trend].
 *
 * Initialisation (the usual one): the first value sets level = x1, trend = 0; the second sets
 * level = x2, trend = x2 − x1; every later value x is a Holt step
 *   level' = α·x + (1 − α)·(level + trend),  trend' = β·(level' − level) + (1 − β)·trend.
 *
 * A Holt step is affine in (level, trend): after k steps the state is M^k·s0 + c, where c is
 * what the same steps give from s0 = (0, 0). Keeping c for the values after the first (the
 * "zero-start" slots) makes folding one run after another exact, the way ewma's merge is.
 */
export const HOLT_SLOTS = 6;

/** Weight of the newest value in the level. Fixed: the dialect has no parameters for them. */
export const HOLT_LEVEL_ALPHA = 0.5;
/** Weight of the newest level change in the trend. */
export const HOLT_TREND_BETA = 0.3;

const ALPHA = HOLT_LEVEL_ALPHA;
const BETA = HOLT_TREND_BETA;

/** One Holt step on the (level, trend) pair at `nums[i]`, `nums[i + 1]`. */
function step(nums: number[], i: number, x: number): void {
  const level = nums[i]!;
  const trend = nums[i + 1]!;
  const next = ALPHA * x + (1 - ALPHA) * (level + trend);
  nums[i + 1] = BETA * (next - level) + (1 - BETA) * trend;
  nums[i] = next;
}

/** Folds the next value (in event-time order) into the state. No allocation. */
export function foldValue(nums: number[], at: number, x: number): void {
  const n = nums[at]!;
  if (n === 0) {
    nums[at + 1] = x;
    nums[at + 2] = 0;
    nums[at + 3] = x;
    nums[at + 4] = 0;
    nums[at + 5] = 0;
  } else if (n === 1) {
    nums[at + 2] = x - nums[at + 1]!;
    nums[at + 1] = x;
    step(nums, at + 4, x);
  } else {
    step(nums, at + 1, x);
    step(nums, at + 4, x);
  }
  nums[at] = n + 1;
}

/**
 * Folds the run of `from` after the run of `into` (same slots), exactly as folding its values one
 * by one would: its first value by a real fold, the rest through M^(n−1) and its zero-start part.
 */
export function mergeFolded(into: number[], from: readonly number[], at: number): void {
  const nb = from[at]!;
  if (nb === 0) return;
  if (into[at] === 0) {
    for (let i = 0; i < HOLT_SLOTS; i++) into[at + i] = from[at + i]!;
    return;
  }
  foldValue(into, at, from[at + 3]!);
  const [m00, m01, m10, m11] = powerOfStep(nb - 1);
  for (const i of [at + 1, at + 4]) {
    const level = into[i]!;
    const trend = into[i + 1]!;
    into[i] = m00 * level + m01 * trend + from[at + 4]!;
    into[i + 1] = m10 * level + m11 * trend + from[at + 5]!;
  }
  into[at] = into[at]! + nb - 1;
}

/** The expected value `steps` values ahead: level + steps·trend; null before any value. */
export function holtForecast(nums: readonly number[], at: number, steps: number): number | null {
  if (nums[at] === 0) return null;
  return nums[at + 1]! + steps * nums[at + 2]!;
}

type Matrix = readonly [number, number, number, number];

/** M^k for the linear part of a Holt step, M = [[1 − α, 1 − α], [−αβ, 1 − αβ]], by squaring. */
function powerOfStep(k: number): Matrix {
  let result: Matrix = [1, 0, 0, 1];
  let base: Matrix = [1 - ALPHA, 1 - ALPHA, -ALPHA * BETA, 1 - ALPHA * BETA];
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = multiply(base, result);
    base = multiply(base, base);
  }
  return result;
}

function multiply(p: Matrix, q: Matrix): Matrix {
  return [
    p[0] * q[0] + p[1] * q[2],
    p[0] * q[1] + p[1] * q[3],
    p[2] * q[0] + p[3] * q[2],
    p[2] * q[1] + p[3] * q[3],
  ];
}
