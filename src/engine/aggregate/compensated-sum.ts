/**
 * Neumaier's compensated summation over two doubles: `nums[at]` the running sum and `nums[at + 1]`
 * the rounding error it has lost so far. The result stays within about one rounding of the exact
 * sum whatever the order or partitioning of the terms, so a sum merged from partial sums agrees
 * with the sum of all terms added one by one. No allocation.
 */
export function addCompensated(nums: number[], at: number, x: number): void {
  const sum = nums[at]!;
  const total = sum + x;
  const lost = Math.abs(sum) >= Math.abs(x) ? sum - total + x : x - total + sum;
  nums[at] = total;
  nums[at + 1] = nums[at + 1]! + lost;
}

/** Folds another compensated sum (same slots in `from`) into `into`. */
export function mergeCompensated(into: number[], from: readonly number[], at: number): void {
  addCompensated(into, at, from[at]!);
  into[at + 1] = into[at + 1]! + from[at + 1]!;
}

/**
 * The sum. Once the running sum is infinite or NaN the compensation is meaningless (∞ − ∞), so
 * the running sum alone is the answer.
 */
export function compensatedValue(nums: readonly number[], at: number): number {
  const sum = nums[at]!;
  return Number.isFinite(sum) ? sum + nums[at + 1]! : sum;
}
