/**
 * Micro-benchmark of the sketch module: adds per second and retained heap bytes per sketch.
 *
 *   npx tsx bench/sketches.ts                      (speed only)
 *   node --expose-gc --import tsx bench/sketches.ts  (speed and bytes per sketch)
 *
 * Bytes per sketch: heap growth over many live sketches of the same content, divided by their
 * number, after full collections (what one group and window costs in the engine), counting the
 * typed arrays' backing stores.
 */
import { DistinctCountSketch, QuantileSketch, TopK } from '../src/sketch/index.ts';
import type { SketchValue } from '../src/sketch/index.ts';
import { mulberry32, normal, shuffle, zipfSampler } from '../src/sketch/test-support.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const N = 1_000_000;

function addsPerSecond(feed: () => void, adds: number): string {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    feed();
    best = Math.min(best, performance.now() - start);
  }
  return `${(((adds / best) * 1e3) / 1e6).toFixed(1)} M adds/s`;
}

/** Typed arrays above a few dozen bytes keep their contents outside the JS heap. */
function usedBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function bytesPerSketch(make: () => unknown, copies: number): string {
  if (gc === undefined) return 'n/a (run with --expose-gc)';
  const keep: unknown[] = new Array<unknown>(copies);
  gc();
  gc();
  const before = usedBytes();
  for (let i = 0; i < copies; i++) keep[i] = make();
  gc();
  gc();
  const bytes = (usedBytes() - before) / copies;
  if (keep.length !== copies) throw new Error('unreachable');
  return `${Math.round(bytes)} B`;
}

function jsonBytes(sketch: { serialize(): unknown }): number {
  return JSON.stringify(sketch.serialize()).length;
}

function report(name: string, figures: Record<string, string | number>): void {
  console.log(
    name.padEnd(46),
    Object.entries(figures)
      .map(([k, v]) => `${k}: ${v}`)
      .join('  '),
  );
}

const random = mulberry32(42);

// QuantileSketch
const lognormal = Float64Array.from({ length: N }, () => Math.exp(2 * normal(random)));
const mixedSigns = Float64Array.from(
  { length: N },
  () => (random() < 0.5 ? -1 : 1) * Math.exp(3 * normal(random)),
);
for (const [name, values] of [
  ['lognormal', lognormal],
  ['mixed signs', mixedSigns],
] as const) {
  report(`QuantileSketch add, ${name}`, {
    speed: addsPerSecond(() => {
      const sketch = new QuantileSketch();
      for (let i = 0; i < values.length; i++) sketch.add(values[i]!);
    }, N),
  });
}
const quantileCases: [string, number[]][] = [
  ['empty', []],
  ['{5}', [5]],
  ['{-1, 0, 1}', [-1, 0, 1]],
  ['{1, 2, ..., 10}', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ['{0.001, 1000}', [0.001, 1000]],
  ['100 lognormal', Array.from(lognormal.subarray(0, 100))],
  ['100,000 mixed signs', Array.from(mixedSigns.subarray(0, 100_000))],
];
for (const [name, values] of quantileCases) {
  const make = (): QuantileSketch => {
    const sketch = new QuantileSketch();
    for (const v of values) sketch.add(v);
    return sketch;
  };
  report(`QuantileSketch holding ${name}`, {
    heap: bytesPerSketch(make, values.length > 1000 ? 200 : 20_000),
    json: jsonBytes(make()),
  });
}

// DistinctCountSketch
const strings = Array.from({ length: N }, (_, i) => `user-${i}-${Math.floor(random() * 1e6)}`);
const numbers = Array.from({ length: N }, (_, i) => i * 7 + 0.5);
for (const [name, values] of [
  ['strings', strings],
  ['numbers', numbers],
] as const) {
  report(`DistinctCountSketch add, 1e6 distinct ${name}`, {
    speed: addsPerSecond(() => {
      const sketch = new DistinctCountSketch();
      for (const v of values) sketch.add(v);
    }, N),
  });
}
for (const n of [0, 1, 10, 1000, 3072, 10_000]) {
  const make = (): DistinctCountSketch => {
    const sketch = new DistinctCountSketch();
    for (let i = 0; i < n; i++) sketch.add(strings[i]!);
    return sketch;
  };
  report(`DistinctCountSketch holding ${n} distinct`, {
    heap: bytesPerSketch(make, n > 1000 ? 500 : 10_000),
    json: jsonBytes(make()),
  });
}

// TopK
const zipfNames = shuffle(
  Array.from({ length: 100_000 }, (_, i): SketchValue => `page-${i}`),
  random,
);
const rank = zipfSampler(zipfNames.length, 1, random);
const zipf = Array.from({ length: N }, () => zipfNames[rank()]!);
for (const capacity of [100, 1000]) {
  report(`TopK(${capacity}) add, Zipf(1) over 1e5 strings`, {
    speed: addsPerSecond(() => {
      const sketch = new TopK(capacity);
      for (const v of zipf) sketch.add(v);
    }, N),
  });
}
for (const [name, n] of [
  ['10 values', 10],
  ['full, 100 counters', 10_000],
] as const) {
  const make = (): TopK => {
    const sketch = new TopK(100);
    for (let i = 0; i < n; i++) sketch.add(zipf[i]!);
    return sketch;
  };
  report(`TopK(100) holding ${name}`, {
    heap: bytesPerSketch(make, 2000),
    json: jsonBytes(make()),
  });
}
