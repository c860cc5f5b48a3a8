/** @module sketch: mergeable, serializable approximate aggregates (quantiles, distinct counts, top-k). */
export {};
