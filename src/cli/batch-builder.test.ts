import { describe, expect, it } from 'vitest';
import { BatchBuilder } from './batch-builder.ts';
import type { Batch } from './batch-publisher.ts';

function builder(sent: Batch[], lingerMs = 10_000): BatchBuilder {
  return new BatchBuilder({
    maxEvents: 3,
    maxBytes: 100,
    lingerMs,
    submit: (batch) => {
      sent.push(batch);
      return Promise.resolve();
    },
  });
}

describe('BatchBuilder', () => {
  it('cuts batches by event count and by bytes, keeping each event with its line', async () => {
    const sent: Batch[] = [];
    const batches = builder(sent);
    for (let line = 1; line <= 4; line++) await batches.add({ line }, line, 10);
    await batches.add({ big: true }, 5, 90);
    await batches.flush();
    expect(sent.map((batch) => batch.lines)).toEqual([[1, 2, 3], [4], [5]]);
    expect(sent[0]!.events).toEqual([{ line: 1 }, { line: 2 }, { line: 3 }]);
  });

  it('sends a partly filled batch after the linger time', async () => {
    const sent: Batch[] = [];
    const batches = builder(sent, 5);
    await batches.add({ a: 1 }, 1, 10);
    expect(sent).toHaveLength(0);
    await expect.poll(() => sent.length).toBe(1);
    await batches.flush();
    expect(sent).toHaveLength(1);
  });
});
