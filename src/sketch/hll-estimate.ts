/**
 * Ertl's improved raw estimator for HyperLogLog ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017, algorithm 6; the one Redis uses). It works from the histogram of
 * register values and needs no empirical bias tables and no switch-over between estimators: its
 * sigma term accounts for empty registers (the small range, where the original HyperLogLog needs
 * linear counting) and its tau term for saturated ones (the large range). Its relative standard
 * error is about 1.04 / sqrt(m) over the whole range.
 *
 * `histogram[k]` is the number of registers holding k, for k = 0 .. rankBits + 1, where rankBits is
 * the number of hash bits left after the register index.
 */
export function estimateCardinality(histogram: ArrayLike<number>, registerCount: number): number {
  const m = registerCount;
  const q = histogram.length - 2;
  let z = m * tau((m - histogram[q + 1]!) / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
  z += m * sigma(histogram[0]! / m);
  return (m * m) / (2 * Math.LN2 * z);
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === previous) return z / 3;
  }
}
