import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventLog, LogEntry } from './event-log.ts';
import type { MetadataStore } from './metadata-store.ts';

/** A fresh, empty event log; `reopen` (durable logs only) closes it and opens the same data. */
export interface EventLogUnderTest {
  log: EventLog;
  reopen?: () => Promise<EventLog>;
  cleanup(): Promise<void>;
}

/** A fresh, empty metadata store; `reopen` (durable stores only) closes it and opens it again. */
export interface MetadataStoreUnderTest {
  store: MetadataStore;
  reopen?: () => Promise<MetadataStore>;
  cleanup(): Promise<void>;
}

type Event = Record<string, unknown>;

const event = (id: number, extra: Event = {}): Event => ({ id: `e${id}`, n: id, ...extra });

/** Entries as plain data, so results from different logs compare with toEqual. */
const entries = (iterable: Iterable<LogEntry>): LogEntry[] =>
  Array.from(iterable, ({ offset, stream, arrivalMs, events }) => ({
    offset,
    stream,
    arrivalMs,
    events,
  }));

const offsetsOf = (iterable: Iterable<LogEntry>): number[] =>
  Array.from(iterable, (entry) => entry.offset);

const nextOffset = (iterator: Iterator<LogEntry>): number | undefined => {
  const next = iterator.next();
  return next.done === true ? undefined : next.value.offset;
};

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function appendMany(log: EventLog, count: number, stream = 's'): Promise<number[]> {
  const pending: Promise<number>[] = [];
  for (let i = 0; i < count; i++) pending.push(log.append(stream, [event(i)], 1000 + i));
  return Promise.all(pending);
}

/** Everything JSON can carry that a log must give back unchanged (-0 is JSON's 0 and left out). */
const TRICKY_EVENTS: Event[] = [
  {
    text: 'plain',
    unicode: 'Grüße, 日本語, עברית, 😀👍🏽, e\u0301, \u0000 and \uFFFF',
    empty: '',
    escapes: 'quote " backslash \\ newline \n tab \t',
  },
  {
    integers: [0, 1, -1, 255, 65_536, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 40],
    safe: [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
    floats: [0.1, 1 / 3, -2.5, 1e-300, -1.5e300, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2],
  },
  { nulls: null, yes: true, no: false, list: [null, true, false, 0, '', [], {}] },
  { nested: { a: { b: { c: { d: [1, [2, [3, { e: 'deep' }]]] } } } } },
  { 'key with spaces': 1, ключ: 2, '😀': 3, '': 4, '10': 5, '2': 6, 'a.b': 7 },
];

/** One shared suite for every EventLog implementation (DESIGN.md: ports and contracts). */
/**
 * `durable`: the implementation keeps data across close and reopen; only then are the reopen
 * tests registered (a memory log has nothing to reopen, so they do not exist for it, rather than
 * being skipped).
 */
export function runEventLogContract(
  name: string,
  create: () => Promise<EventLogUnderTest>,
  { durable }: { durable: boolean },
): void {
  describe(`EventLog contract: ${name}`, () => {
    let subject: EventLogUnderTest;
    let log: EventLog;

    beforeEach(async () => {
      subject = await create();
      log = subject.log;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    it('starts empty', () => {
      expect(log.firstOffset).toBe(0);
      expect(log.lastOffset).toBe(0);
      expect(entries(log.read(0))).toEqual([]);
      expect(entries(log.read(1))).toEqual([]);
    });

    it('numbers batches 1, 2, 3 … and stores stream, arrival time and events', async () => {
      expect(await log.append('clicks', [event(1)], 100)).toBe(1);
      expect(await log.append('trades', [event(2), event(3)], 200)).toBe(2);
      expect(await log.append('clicks', [], 300)).toBe(3);
      expect(log.firstOffset).toBe(1);
      expect(log.lastOffset).toBe(3);
      expect(entries(log.read(1))).toEqual([
        { offset: 1, stream: 'clicks', arrivalMs: 100, events: [event(1)] },
        { offset: 2, stream: 'trades', arrivalMs: 200, events: [event(2), event(3)] },
        { offset: 3, stream: 'clicks', arrivalMs: 300, events: [] },
      ]);
    });

    it('keeps call order for 1,000 appends started in one loop', async () => {
      const resolvedInOrder: number[] = [];
      const pending: Promise<number>[] = [];
      for (let i = 1; i <= 1000; i++) {
        const append = log.append(`s${i % 7}`, [event(i), event(-i)], i);
        pending.push(append.then((offset) => (resolvedInOrder.push(offset), offset)));
      }
      expect(await Promise.all(pending)).toEqual(range(1, 1000));
      expect(resolvedInOrder).toEqual(range(1, 1000));
      expect(log.lastOffset).toBe(1000);
      let expected = 1;
      for (const entry of log.read(1)) {
        expect(entry).toEqual({
          offset: expected,
          stream: `s${expected % 7}`,
          arrivalMs: expected,
          events: [event(expected), event(-expected)],
        });
        expected++;
      }
      expect(expected).toBe(1001);
    });

    it('keeps call order for appends started across event-loop turns', async () => {
      const resolvedInOrder: number[] = [];
      const pending: Promise<number>[] = [];
      for (let turn = 0; turn < 20; turn++) {
        for (let i = 0; i < 10; i++) {
          const id = turn * 10 + i;
          pending.push(
            log.append('s', [event(id)], id).then((offset) => {
              resolvedInOrder.push(offset);
              return offset;
            }),
          );
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await Promise.all(pending)).toEqual(range(1, 200));
      expect(resolvedInOrder).toEqual(range(1, 200));
      expect(entries(log.read(1)).map((entry) => entry.events[0]!.n)).toEqual(range(0, 199));
    });

    it('reads back batches intact: big, unicode, nested, numbers, null', async () => {
      const big = Array.from({ length: 10_000 }, (_, i) =>
        event(i, { price: i / 7, tags: ['a', 'b'], at: 1_700_000_000_000 + i }),
      );
      await log.append('big', big, 1);
      await log.append('tricky', TRICKY_EVENTS, 2.5);
      const [first, second] = entries(log.read(1));
      expect(first!.events).toEqual(big);
      expect(second).toEqual({
        offset: 2,
        stream: 'tricky',
        arrivalMs: 2.5,
        events: TRICKY_EVENTS,
      });
      expect(Object.keys(second!.events[4]!)).toEqual(Object.keys(TRICKY_EVENTS[4]!));
    });

    it('stores a copy: changing the appended arrays afterwards changes nothing', async () => {
      const events = [event(1, { list: [1, 2] })];
      const appended = log.append('s', events, 1);
      events.push(event(2));
      (events[0]!.list as number[]).push(3);
      events[0]!.n = 99;
      await appended;
      expect(entries(log.read(1))[0]!.events).toEqual([event(1, { list: [1, 2] })]);
    });

    it('reads from the middle, the last offset, beyond the end and from 0', async () => {
      await appendMany(log, 10);
      expect(offsetsOf(log.read(4))).toEqual(range(4, 10));
      expect(offsetsOf(log.read(10))).toEqual([10]);
      expect(offsetsOf(log.read(11))).toEqual([]);
      expect(offsetsOf(log.read(1_000_000))).toEqual([]);
      expect(offsetsOf(log.read(0))).toEqual(range(1, 10));
    });

    it('reads up to the last offset of the moment read was called, lazily', async () => {
      await appendMany(log, 3);
      const reading = log.read(2);
      await appendMany(log, 2);
      expect(offsetsOf(reading)).toEqual([2, 3]);
      const iterator = log.read(1)[Symbol.iterator]();
      expect(nextOffset(iterator)).toBe(1);
      iterator.return?.();
      expect(offsetsOf(log.read(1))).toEqual(range(1, 5));
    });

    it('rejects bad arguments, and a rejected append takes no offset', async () => {
      const bad = [
        log.append('', [event(1)], 1),
        log.append('s', 'nope' as unknown as Event[], 1),
        log.append('s', [event(1)], Number.NaN),
      ];
      for (const append of bad)
        await expect(append).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const cyclic: Event = { id: 'loop' };
      cyclic.self = cyclic;
      await expect(log.append('s', [cyclic], 1)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      expect(() => log.read(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => log.read(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      await expect(log.truncateBefore(-3)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(await log.append('s', [event(1)], 1)).toBe(1);
      expect(log.lastOffset).toBe(1);
    });

    it('truncates older entries, never the last one', async () => {
      expect(await log.truncateBefore(5)).toBe(0);
      await appendMany(log, 10);
      expect(await log.truncateBefore(4)).toBe(3);
      expect(log.firstOffset).toBe(4);
      expect(offsetsOf(log.read(1))).toEqual(range(4, 10));
      expect(offsetsOf(log.read(6))).toEqual(range(6, 10));
      expect(await log.truncateBefore(4)).toBe(0);
      expect(await log.truncateBefore(2)).toBe(0);
      expect(await log.truncateBefore(0)).toBe(0);
      expect(await log.truncateBefore(1_000)).toBe(6);
      expect(log.firstOffset).toBe(10);
      expect(log.lastOffset).toBe(10);
      expect(offsetsOf(log.read(0))).toEqual([10]);
      expect(await log.append('s', [event(11)], 11)).toBe(11);
      expect(offsetsOf(log.read(0))).toEqual([10, 11]);
    });

    it('truncates many entries and appends on while truncating', async () => {
      await appendMany(log, 12_345);
      const truncating = log.truncateBefore(12_000);
      const appending = appendMany(log, 5);
      expect(await truncating).toBe(11_999);
      expect(await appending).toEqual(range(12_346, 12_350));
      expect(log.firstOffset).toBe(12_000);
      expect(offsetsOf(log.read(0))).toEqual(range(12_000, 12_350));
    });

    it('never skips a kept entry when a truncation runs while a reader iterates', async () => {
      await appendMany(log, 250);
      const iterator = log.read(1)[Symbol.iterator]();
      expect(nextOffset(iterator)).toBe(1);
      await log.truncateBefore(150);
      const rest: number[] = [];
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        rest.push(next.value.offset);
      }
      // Deleted entries may still show (a chunk read earlier); every kept one must, in order.
      expect(rest.filter((offset) => offset >= 150)).toEqual(range(150, 250));
      expect(rest).toEqual([...rest].sort((a, b) => a - b));
      expect(rest[0]).toBeGreaterThan(1);
    });

    it('close waits for pending appends, then refuses new ones', async () => {
      const settled: number[] = [];
      const pending = range(1, 100).map((i) =>
        log.append('s', [event(i)], i).then((offset) => (settled.push(offset), offset)),
      );
      await log.close();
      expect(settled).toEqual(range(1, 100));
      expect(await Promise.all(pending)).toEqual(range(1, 100));
      await expect(log.append('s', [event(0)], 0)).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
      await expect(log.truncateBefore(50)).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
      await log.close();
    });

    const itWhenDurable = durable ? it : () => undefined;
    itWhenDurable(
      'keeps every acknowledged batch across close and reopen; offsets continue',
      async () => {
        if (subject.reopen === undefined) throw new Error('a durable subject must offer reopen');
        const acknowledged = await appendMany(log, 50);
        const unawaited = [log.append('late', TRICKY_EVENTS, 51), log.append('late', [], 52)];
        const before = entries(log.read(0));
        log = await subject.reopen();
        expect(await Promise.all(unawaited)).toEqual([51, 52]);
        expect(acknowledged).toEqual(range(1, 50));
        expect(log.firstOffset).toBe(1);
        expect(log.lastOffset).toBe(52);
        const after = entries(log.read(0));
        expect(after.slice(0, 50)).toEqual(before.slice(0, 50));
        expect(after[50]).toEqual({
          offset: 51,
          stream: 'late',
          arrivalMs: 51,
          events: TRICKY_EVENTS,
        });
        expect(await log.append('s', [event(53)], 53)).toBe(53);

        expect(await log.truncateBefore(40)).toBe(39);
        log = await subject.reopen();
        expect([log.firstOffset, log.lastOffset]).toEqual([40, 53]);
        expect(offsetsOf(log.read(0))).toEqual(range(40, 53));
        expect(await log.append('s', [], 54)).toBe(54);
      },
    );
  });
}

/** One shared suite for every MetadataStore implementation. */
export function runMetadataStoreContract(
  name: string,
  create: () => Promise<MetadataStoreUnderTest>,
  { durable }: { durable: boolean },
): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let subject: MetadataStoreUnderTest;
    let store: MetadataStore;

    beforeEach(async () => {
      subject = await create();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    it('returns undefined for a missing key and what was put for a present one', async () => {
      expect(store.get('catalog')).toBeUndefined();
      const value = { statements: ['CREATE STREAM s (ts TIMESTAMP)'], version: 3, tags: null };
      await store.put('catalog', value);
      expect(store.get('catalog')).toEqual(value);
      for (const scalar of [0, 1.5, 'text 😀', true, false, null, [], {}]) {
        await store.put('scalar', scalar);
        expect(store.get('scalar')).toEqual(scalar);
      }
    });

    it('hands out copies: changing a value after put or after get changes nothing', async () => {
      const value = { list: [1, 2], nested: { a: 1 } };
      const putting = store.put('k', value);
      value.list.push(3);
      await putting;
      const got = store.get('k') as typeof value;
      got.nested.a = 2;
      expect(store.get('k')).toEqual({ list: [1, 2], nested: { a: 1 } });
    });

    it('overwrites, removes, and removing a missing key is fine', async () => {
      await store.put('k', 1);
      await store.put('k', 2);
      expect(store.get('k')).toBe(2);
      await store.remove('k');
      expect(store.get('k')).toBeUndefined();
      await store.remove('k');
      await store.remove('never-there');
    });

    it('applies changes in call order: the last put wins', async () => {
      await Promise.all([
        store.put('k', 1),
        store.put('k', 2),
        store.remove('k'),
        store.put('k', 3),
      ]);
      expect(store.get('k')).toBe(3);
    });

    it('lists the entries under a prefix, sorted by code point', async () => {
      const keys = ['view/b', 'view/a', 'view/a\uFFFF', 'view/a😀', 'view/ab', 'views', 'stream/x'];
      for (const [i, key] of keys.entries()) await store.put(key, i);
      expect(store.entries('view/')).toEqual([
        ['view/a', 1],
        ['view/ab', 4],
        ['view/a\uFFFF', 2],
        ['view/a😀', 3],
        ['view/b', 0],
      ]);
      expect(store.entries('views')).toEqual([['views', 5]]);
      expect(store.entries('nothing/')).toEqual([]);
      expect(store.keys('view/')).toEqual(store.entries('view/').map(([key]) => key));
      expect(store.keys('nothing/')).toEqual([]);
      expect(store.entries('').map(([key]) => key)).toEqual([
        'stream/x',
        'view/a',
        'view/ab',
        'view/a\uFFFF',
        'view/a😀',
        'view/b',
        'views',
      ]);
    });

    it('rejects keys that are empty, hold NUL or are too long, and undefined values', async () => {
      for (const key of ['', 'a\u0000b', 'x'.repeat(1001), 'é'.repeat(501)]) {
        await expect(store.put(key, 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(store.remove(key)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        expect(() => store.get(key)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      }
      await store.put('x'.repeat(1000), 1);
      await expect(store.put('k', undefined)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(store.entries('')).toEqual([['x'.repeat(1000), 1]]);
    });

    it('close waits for pending changes, then refuses new ones', async () => {
      let settled = 0;
      const pending = range(1, 20).map((i) => store.put(`k${i}`, i).then(() => settled++));
      await store.close();
      expect(settled).toBe(20);
      await Promise.all(pending);
      await expect(store.put('k', 1)).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
      await expect(store.remove('k1')).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    });

    const itWhenDurable = durable ? it : () => undefined;
    itWhenDurable('keeps every resolved change across close and reopen', async () => {
      if (subject.reopen === undefined) throw new Error('a durable subject must offer reopen');
      await store.put('catalog', { statements: ['a', 'b'] });
      await store.put('gone', 1);
      await store.remove('gone');
      const unawaited = store.put('late', 'é😀');
      store = await subject.reopen();
      await unawaited;
      expect(store.get('catalog')).toEqual({ statements: ['a', 'b'] });
      expect(store.get('gone')).toBeUndefined();
      expect(store.entries('')).toEqual([
        ['catalog', { statements: ['a', 'b'] }],
        ['late', 'é😀'],
      ]);
    });
  });
}
