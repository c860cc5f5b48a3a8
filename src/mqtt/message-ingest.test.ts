import { describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '../observability/index.ts';
import { InvalidEventError, VaneError } from '../util/index.ts';
import { MessageIngest, type MqttIngestTarget } from './message-ingest.ts';
import { ThrottledWarnings } from './throttled-warnings.ts';
import { compileTopicMap } from './topic-map.ts';

function setUp(publish: MqttIngestTarget['publish']) {
  const published: { stream: string; events: unknown }[] = [];
  const target: MqttIngestTarget = {
    publish: (stream, events) => {
      published.push({ stream, events });
      return publish(stream, events);
    },
    engine: { streamSpec: () => ({}) },
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
  };
  const topics = compileTopicMap([{ topic: 'sensors/{device}/reading', stream: 'readings' }]);
  const ingest = new MessageIngest(
    target,
    topics,
    64,
    new ThrottledWarnings(target.logger, () => 0),
  );
  const counted = async (result: string): Promise<number> => {
    const text = await target.metrics.render();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`vane_mqtt_messages_total{result="${result}"}`));
    return line === undefined ? 0 : Number(line.split(' ')[1]);
  };
  return { ingest, published, counted };
}

const bytes = (text: string): Buffer => Buffer.from(text);

describe('MQTT message ingest', () => {
  it('publishes the events with the topic fields and answers PUBACK 0', async () => {
    const { ingest, published, counted } = setUp(() =>
      Promise.resolve({ accepted: 1, duplicates: 0 }),
    );
    expect(await ingest.handle('sensors/d1/reading', bytes('{"t":20}'))).toEqual({
      outcome: 'accepted',
      pubackCode: 0,
    });
    expect(published).toEqual([{ stream: 'readings', events: [{ t: 20, device: 'd1' }] }]);
    expect(await counted('accepted')).toBe(1);
  });

  it('acknowledges malformed, oversized, refused and unrouted messages with failure codes', async () => {
    const { ingest, published, counted } = setUp(() =>
      Promise.reject(new InvalidEventError(0, 't', 'expected DOUBLE, got string')),
    );
    expect(await ingest.handle('sensors/d1/reading', bytes('{oops'))).toEqual({
      outcome: 'malformed',
      pubackCode: 0x99,
    });
    expect(await ingest.handle('sensors/d1/reading', bytes(`{"x":"${'y'.repeat(100)}"}`))).toEqual({
      outcome: 'refused',
      pubackCode: 0x83,
    });
    expect(await ingest.handle('sensors/d1/reading', bytes('{"t":"warm"}'))).toEqual({
      outcome: 'refused',
      pubackCode: 0x83,
    });
    expect(await ingest.handle('other/topic', bytes('{}'))).toEqual({
      outcome: 'refused',
      pubackCode: 0x10,
    });
    expect(published).toHaveLength(1);
    expect(await counted('malformed')).toBe(1);
    expect(await counted('refused')).toBe(3);
  });

  it.each([
    new VaneError('OVERLOADED', 'busy', { temporary: true }),
    new VaneError('SHUTTING_DOWN', 'bye', { temporary: true }),
    new VaneError('INTERNAL', 'the event log failed to store the batch'),
    new Error('disk on fire'),
  ])('withholds the PUBACK on a temporary failure (%s)', async (error) => {
    const { ingest, counted } = setUp(() => Promise.reject(error));
    expect(await ingest.handle('sensors/d1/reading', bytes('{"t":1}'))).toEqual({
      outcome: 'failed',
      pubackCode: null,
    });
    expect(await counted('failed')).toBe(1);
  });
});
