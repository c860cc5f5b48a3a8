/** Small statistics and formatting helpers of the server benchmark. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (0 < p ≤ 100) of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Concatenates sample arrays and sorts them ascending. */
export function sortedSamples(parts: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all.sort();
}

export const integer = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';

export const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';

export const mib = (bytes: number): string => fixed(bytes / 1024 / 1024, 0);

/** "median (min – max)" of per-round values. */
export function spread(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 1 || values.every((value) => Number.isNaN(value)))
    return format(values[0]!);
  return `${format(median(values))} (${format(Math.min(...values))} – ${format(Math.max(...values))})`;
}

/** Adds the counts of `from` into `into`. */
export function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

export function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).filter(([, value]) => value > 0);
  return entries.length === 0
    ? 'none'
    : entries.map(([key, value]) => `${key} ×${value}`).join(', ');
}
