import { describe, expect, it } from 'vitest';
import { VaneClientError, type PublishAck } from '../client/index.ts';
import { BatchPublisher, type Batch, type BatchPublisherOptions } from './batch-publisher.ts';
import { CliError, ExitCode } from './exit-codes.ts';
import { progressLine, summaryLine } from './publish-progress.ts';

type Publish = (events: Record<string, unknown>[]) => Promise<PublishAck>;

function publisher(publish: Publish, options: Partial<BatchPublisherOptions> = {}): BatchPublisher {
  return new BatchPublisher(publish, {
    maxInFlight: 2,
    maxRetries: 2,
    skipInvalid: false,
    retryDelayMs: () => 1,
    failure: (error, line) => new CliError(ExitCode.failure, `${line ?? '-'} ${error.code}`),
    ...options,
  });
}

const batchOf = (...ids: number[]): Batch => ({
  events: ids.map((id) => ({ id })),
  lines: ids.map((id) => id + 1),
});

describe('BatchPublisher', () => {
  it('keeps at most maxInFlight batches unacknowledged and counts the acks', async () => {
    let inFlight = 0;
    let most = 0;
    const p = publisher(async (events) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { accepted: events.length - 1, duplicates: 1 };
    });
    for (let i = 0; i < 6; i++) await p.submit(batchOf(i * 2, i * 2 + 1));
    await p.drain();
    expect(most).toBe(2);
    expect(p.counts).toMatchObject({ sent: 12, acked: 12, accepted: 6, duplicates: 6 });
  });

  it('sends a timed-out batch again with the same event objects', async () => {
    const seen: Record<string, unknown>[][] = [];
    const p = publisher((events) => {
      seen.push(events);
      return seen.length === 1
        ? Promise.reject(new VaneClientError('TIMEOUT', 'no answer'))
        : Promise.resolve({ accepted: events.length, duplicates: 0 });
    });
    await p.submit(batchOf(1, 2));
    await p.drain();
    expect(seen).toHaveLength(2);
    expect(seen[1]![0]).toBe(seen[0]![0]);
    expect(p.counts).toMatchObject({ retries: 1, accepted: 2, sent: 2 });
    expect(p.failure).toBeUndefined();
  });

  it('maps a refused event to its input line: fails, or with skipInvalid drops it and resends', async () => {
    const refuse: Publish = (events) =>
      events.some((event) => event.id === 4)
        ? Promise.reject(
            new VaneClientError(
              'INVALID_EVENT',
              `event ${events.findIndex((e) => e.id === 4)}: id: bad`,
            ),
          )
        : Promise.resolve({ accepted: events.length, duplicates: 0 });
    const strict = publisher(refuse);
    await strict.submit(batchOf(3, 4, 5));
    await strict.drain();
    expect(strict.failure?.message).toBe('5 INVALID_EVENT');

    const lenient = publisher(refuse, { skipInvalid: true });
    await lenient.submit(batchOf(3, 4, 5));
    await lenient.drain();
    expect(lenient.failure).toBeUndefined();
    expect(lenient.counts).toMatchObject({
      accepted: 2,
      sent: 2,
      rejected: [{ line: 5, reason: 'id: bad' }],
    });
  });

  it('gives up after maxRetries and refuses further batches', async () => {
    const p = publisher(() =>
      Promise.reject(new VaneClientError('OVERLOADED', 'busy', { temporary: true })),
    );
    await p.submit(batchOf(1));
    await p.drain();
    expect(p.counts.retries).toBe(2);
    expect(p.failure?.message).toBe('- OVERLOADED');
    await p.submit(batchOf(2));
    expect(p.counts.sent).toBe(1);
  });
});

describe('progress and summary lines', () => {
  const counts = {
    sent: 2_000,
    acked: 1_500,
    accepted: 1_400,
    duplicates: 100,
    rejected: [],
    retries: 0,
  };

  it('show the rate, the share read and an ETA when the size is known', () => {
    expect(progressLine({ counts, elapsedMs: 1_000, bytesRead: 250, totalBytes: 1_000 })).toBe(
      '[#####---------------] 25% · sent 2,000 · acked 1,500 · 1,500 events/s · ETA 3.0 s',
    );
    expect(progressLine({ counts, elapsedMs: 1_000, bytesRead: 250, totalBytes: undefined })).toBe(
      'sent 2,000 · acked 1,500 · 1,500 events/s',
    );
    expect(
      summaryLine('trades', { counts, elapsedMs: 2_000, bytesRead: 0, totalBytes: undefined }),
    ).toBe(
      'published to trades: 1,400 accepted, 100 duplicates, 0 rejected in 2.0 s (750 events/s)',
    );
  });
});
