/** @module sketch: mergeable, serializable approximate aggregates (quantiles, distinct counts, top-k). */
export { QuantileSketch, type SerializedQuantileSketch } from './quantile-sketch.ts';
export {
  DistinctCountSketch,
  type SerializedDistinctCountSketch,
} from './distinct-count-sketch.ts';
export { TopK, type TopKEntry, type SerializedTopK } from './top-k.ts';
export { SketchError } from './sketch-error.ts';
export type { SketchValue } from './hash.ts';
