/**
 * Count, means and co-moments of (x, y) pairs in six slots starting at `at`:
 * [n, mean x, mean y, Sxx, Syy, Sxy] where Sxx = Σ(x − x̄)², Syy = Σ(y − ȳ)², Sxy = Σ(x − x̄)(y − ȳ).
 * The bivariate Welford update and the exact pairwise merge (Chan et al.), stable where the
 * textbook Σxy − n·x̄·ȳ cancels. No allocation.
 */
export const CO_MOMENT_SLOTS = 6;

export function addPair(nums: number[], at: number, x: number, y: number): void {
  const n = nums[at]! + 1;
  const dx = x - nums[at + 1]!;
  const dy = y - nums[at + 2]!;
  const meanX = nums[at + 1]! + dx / n;
  const meanY = nums[at + 2]! + dy / n;
  nums[at] = n;
  nums[at + 1] = meanX;
  nums[at + 2] = meanY;
  nums[at + 3] = nums[at + 3]! + dx * (x - meanX);
  nums[at + 4] = nums[at + 4]! + dy * (y - meanY);
  nums[at + 5] = nums[at + 5]! + dx * (y - meanY);
}

/** Folds the co-moments of `from` (same slots) into `into`. */
export function mergePairs(into: number[], from: readonly number[], at: number): void {
  const nb = from[at]!;
  if (nb === 0) return;
  const na = into[at]!;
  if (na === 0) {
    for (let i = 0; i < CO_MOMENT_SLOTS; i++) into[at + i] = from[at + i]!;
    return;
  }
  const n = na + nb;
  const dx = from[at + 1]! - into[at + 1]!;
  const dy = from[at + 2]! - into[at + 2]!;
  const weight = (na * nb) / n;
  into[at] = n;
  into[at + 1] = into[at + 1]! + dx * (nb / n);
  into[at + 2] = into[at + 2]! + dy * (nb / n);
  into[at + 3] = into[at + 3]! + from[at + 3]! + dx * dx * weight;
  into[at + 4] = into[at + 4]! + from[at + 4]! + dy * dy * weight;
  into[at + 5] = into[at + 5]! + from[at + 5]! + dx * dy * weight;
}

/** Least-squares slope of y on x: Sxy / Sxx; null below two pairs or when x never varies. */
export function slope(nums: readonly number[], at: number): number | null {
  const sxx = nums[at + 3]!;
  if (nums[at]! < 2 || !(sxx > 0)) return null;
  return nums[at + 5]! / sxx;
}

/** ȳ − slope·x̄; null when the slope is. */
export function intercept(nums: readonly number[], at: number): number | null {
  const b = slope(nums, at);
  return b === null ? null : nums[at + 2]! - b * nums[at + 1]!;
}

/**
 * Pearson's r = Sxy / √(Sxx·Syy), clamped to [−1, 1] against rounding; null below two pairs or
 * when either variable never varies. The roots are taken apart so large Sxx·Syy cannot overflow.
 */
export function correlation(nums: readonly number[], at: number): number | null {
  const sxx = nums[at + 3]!;
  const syy = nums[at + 4]!;
  if (nums[at]! < 2 || !(sxx > 0) || !(syy > 0)) return null;
  const r = nums[at + 5]! / (Math.sqrt(sxx) * Math.sqrt(syy));
  return Math.min(1, Math.max(-1, r));
}
