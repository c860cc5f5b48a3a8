import { beforeEach, describe, expect, it } from 'vitest';
import { Hub } from './hub.ts';
import { ClientTable, MemorySource, RecordingSink } from './test-harness.ts';

const KEY = ['k'];

let source: MemorySource;
let hub: Hub;

beforeEach(() => {
  source = new MemorySource(
    'v',
    KEY,
    [
      { name: 'k', type: 'STRING' },
      { name: 'x', type: 'BIGINT' },
    ],
    5, // the changelog keeps 5 batches
  );
  hub = new Hub(source, { now: () => 0 });
  source.hub = hub;
});

/** A client that saw offsets up to 3, then went away while batches 4..8 happened. */
function clientAtOffset3(): ClientTable {
  source.emit([{ k: 'a', x: 1 }]);
  const sink = new RecordingSink();
  const connection = hub.connect(sink);
  hub.subscribe(connection, { type: 'subscribe', id: 's', view: 'v' });
  source.emit([{ k: 'b', x: 1 }]);
  source.emit([{ k: 'a', x: 2 }]);
  const table = ClientTable.of(sink, 's', KEY);
  hub.disconnect(connection);
  source.emit([{ k: 'c', x: 1 }]); // 4
  source.emit([], [{ k: 'b' }]); // 5
  source.emit([{ k: 'a', x: 3 }]); // 6
  source.emit([{ k: 'd', x: 1 }]); // 7
  source.emit([{ k: 'd', x: 2 }]); // 8
  expect(table.offset).toBe(3);
  return table;
}

function resume(epoch: string, offset: number, where?: Record<string, unknown>) {
  const sink = new RecordingSink();
  hub.subscribe(hub.connect(sink), {
    type: 'subscribe',
    id: 's',
    view: 'v',
    resume: { epoch, offset },
    ...(where === undefined ? {} : { where }),
  });
  return sink;
}

describe('Hub: resume', () => {
  it('recovers exactly the missed batches, in order, then continues live', () => {
    const before = clientAtOffset3();
    const sink = resume(source.changelog.epoch, 3);
    const frames = sink.frames;
    expect(frames[0]).toMatchObject({ type: 'subscribed', recovered: true, epoch: 'epoch-1' });
    expect(frames.slice(1).map((frame) => [frame.type, frame.seq, frame.offset])).toEqual([
      ['delta', 1, 4],
      ['delta', 2, 5],
      ['delta', 3, 6],
      ['delta', 4, 7],
      ['delta', 5, 8],
    ]);
    source.emit([{ k: 'e', x: 1 }]);
    expect(sink.frames.at(-1)).toMatchObject({ seq: 6, offset: 9 });
    const table = ClientTable.resuming(before, KEY);
    table.apply(frames[0]!);
    table.sync(sink, 's');
    expect(table.sorted()).toEqual(source.sorted());
  });

  const fresh: { name: string; epoch: (current: string) => string; offset: number }[] = [
    { name: 'too far back (offset 2 was trimmed)', epoch: (e) => e, offset: 2 },
    { name: 'from the very start, trimmed', epoch: (e) => e, offset: 0 },
    { name: 'a future offset', epoch: (e) => e, offset: 9 },
    { name: 'an expired epoch', epoch: () => 'epoch-0', offset: 8 },
  ];
  it.each(fresh)(
    'starts fresh from $name: recovered false and the live state',
    ({ epoch, offset }) => {
      clientAtOffset3();
      const sink = resume(epoch(source.changelog.epoch), offset);
      expect(sink.frames.map((frame) => frame.type)).toEqual(['subscribed', 'snapshot']);
      expect(sink.frames[0]).toMatchObject({ recovered: false, epoch: source.changelog.epoch });
      expect(sink.frames[1]).toMatchObject({ seq: 1, offset: 8 });
      expect(ClientTable.of(sink, 's', KEY).sorted()).toEqual(source.sorted());
    },
  );

  it('recovers from the current offset with nothing to send, then goes live', () => {
    clientAtOffset3();
    const sink = resume(source.changelog.epoch, 8);
    expect(sink.frames).toEqual([expect.objectContaining({ type: 'subscribed', recovered: true })]);
    source.emit([{ k: 'a', x: 9 }]);
    expect(sink.frames[1]).toMatchObject({ type: 'delta', seq: 1, offset: 9 });
  });

  it('filters missed batches, skips the empty ones and keeps offsets increasing', () => {
    clientAtOffset3();
    const sink = resume(source.changelog.epoch, 3, { k: ['a', 'b'] });
    expect(sink.frames.slice(1).map((frame) => [frame.seq, frame.offset])).toEqual([
      [1, 5],
      [2, 6],
    ]);
    expect(sink.frames[1]!.deletes).toEqual([{ k: 'b' }]);
    expect(sink.frames[2]!.upserts).toEqual([{ k: 'a', x: 3 }]);
  });

  it('starts fresh after the history was lost (new epoch)', () => {
    clientAtOffset3();
    const old = source.changelog.epoch;
    hub.dropView('v');
    source.resetEpoch();
    const sink = resume(old, 8);
    expect(sink.frames[0]).toMatchObject({ recovered: false, epoch: 'epoch-2' });
    expect(sink.frames[1]).toMatchObject({ type: 'snapshot', offset: 0 });
  });

  it('queues recovered deltas for a congested connection and sends them as one on drained', () => {
    const before = clientAtOffset3();
    const sink = new RecordingSink();
    sink.bufferedBytes = 100 * 1024;
    const connection = hub.connect(sink);
    hub.subscribe(connection, {
      type: 'subscribe',
      id: 's',
      view: 'v',
      resume: { epoch: source.changelog.epoch, offset: 3 },
    });
    expect(sink.frames.map((frame) => frame.type)).toEqual(['subscribed']);
    sink.bufferedBytes = 0;
    hub.drained(connection);
    expect(sink.frames[1]).toMatchObject({ type: 'delta', seq: 1, offset: 8 });
    const table = ClientTable.resuming(before, KEY);
    table.sync(sink, 's');
    expect(table.sorted()).toEqual(source.sorted());
  });
});
