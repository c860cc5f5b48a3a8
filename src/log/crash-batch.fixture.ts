/** The batch with a given id, the same in the crash writer and in the test that checks it. */
export interface CrashBatch {
  stream: string;
  arrivalMs: number;
  events: Record<string, unknown>[];
}

/** `large` batches (about 60 KB) fill a size-limited file quickly. */
export type CrashBatchSize = 'small' | 'large';

export function crashBatch(id: number, size: CrashBatchSize): CrashBatch {
  const count = size === 'small' ? 1 + (id % 20) : 200;
  const padding = size === 'small' ? '' : 'x'.repeat(250);
  const events = Array.from({ length: count }, (_, i) => ({
    id: `${id}-${i}`,
    n: id * 1000 + i,
    price: id / 7 + i,
    text: `é😀 ${padding}`,
    nested: { i, list: [id, null, true] },
  }));
  return { stream: `s${id % 3}`, arrivalMs: 1_700_000_000_000 + id, events };
}
