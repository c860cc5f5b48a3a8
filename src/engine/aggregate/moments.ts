/**
 * Count, mean and sum of squared deviations (M2) of a stream of doubles, in three slots starting
 * at `at`: Welford's update per value and Chan et al.'s exact pairwise merge, both stable where
 * the naive sum-of-squares formula cancels catastrophically. No allocation.
 */
export const MOMENT_SLOTS = 3;

export function addMoment(nums: number[], at: number, x: number): void {
  const n = nums[at]! + 1;
  const mean = nums[at + 1]!;
  const delta = x - mean;
  const nextMean = mean + delta / n;
  nums[at] = n;
  nums[at + 1] = nextMean;
  nums[at + 2] = nums[at + 2]! + delta * (x - nextMean);
}

/** Folds the moments of `from` (same slots) into `into`. */
export function mergeMoments(into: number[], from: readonly number[], at: number): void {
  const nb = from[at]!;
  if (nb === 0) return;
  const na = into[at]!;
  if (na === 0) {
    into[at] = nb;
    into[at + 1] = from[at + 1]!;
    into[at + 2] = from[at + 2]!;
    return;
  }
  const n = na + nb;
  const delta = from[at + 1]! - into[at + 1]!;
  into[at] = n;
  into[at + 1] = into[at + 1]! + delta * (nb / n);
  into[at + 2] = into[at + 2]! + from[at + 2]! + delta * delta * ((na * nb) / n);
}

export function momentMean(nums: readonly number[], at: number): number {
  return nums[at + 1]!;
}

/**
 * Sample variance (divides by n − 1), null below two values; population variance (divides by n),
 * null for no values. M2 is never negative in exact arithmetic; rounding is clamped away.
 */
export function momentVariance(
  nums: readonly number[],
  at: number,
  sample: boolean,
): number | null {
  const n = nums[at]!;
  const divisor = sample ? n - 1 : n;
  if (divisor < 1) return null;
  return Math.max(0, nums[at + 2]! / divisor);
}
