/**
 * Test-only: the textbook two-pass statistics (mean first, then centred sums), written
 * independently of the streaming code under test, as the reference it is compared against.
 */
export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Σ(x − x̄)(y − ȳ) over paired lists. */
export function centredProduct(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  return xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
}

export function sampleVariance(xs: readonly number[]): number {
  return centredProduct(xs, xs) / (xs.length - 1);
}

export function populationVariance(xs: readonly number[]): number {
  return centredProduct(xs, xs) / xs.length;
}

/** Least squares of y on x: slope, intercept and Pearson's r. */
export function regression(ys: readonly number[], xs: readonly number[]) {
  const slope = centredProduct(xs, ys) / centredProduct(xs, xs);
  return {
    slope,
    intercept: mean(ys) - slope * mean(xs),
    corr: centredProduct(xs, ys) / Math.sqrt(centredProduct(xs, xs) * centredProduct(ys, ys)),
  };
}

/**
 * Holt's linear trend straight from its definition (level = x1, trend = 0; then level = x2,
 * trend = x2 − x1; then the α/β updates), over values already in order.
 */
export function holt(xs: readonly number[], alpha: number, beta: number, steps: number): number {
  let level = xs[0]!;
  let trend = 0;
  xs.forEach((x, i) => {
    if (i === 1) {
      trend = x - level;
      level = x;
    } else if (i > 1) {
      const previous = level;
      level = alpha * x + (1 - alpha) * (level + trend);
      trend = beta * (level - previous) + (1 - beta) * trend;
    }
  });
  return level + steps * trend;
}
