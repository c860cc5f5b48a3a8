import { describe, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';
import type {
  Change,
  LiveTable,
  PublishAck,
  StatementResult,
  StreamSubscription,
  VaneClient,
  WebSocketConstructor,
} from './index.ts';

interface Trade {
  symbol: string;
  price: number;
  ts: number;
  trade_id: string;
}

interface Ohlc {
  symbol: string;
  window_start: string;
  open: number;
  close: number;
}

/** As `vane types` might write it: interfaces, no index signatures. */
interface Schema {
  streams: { trades: Trade };
  views: { ohlc_1m: Ohlc };
}

declare const typed: VaneClient<Schema>;
declare const untyped: VaneClient;

describe('VaneClient types', () => {
  it("accepts ws's class as the WebSocket implementation", () => {
    expectTypeOf(WebSocket).toExtend<WebSocketConstructor>();
  });

  it('types publish by stream', () => {
    expectTypeOf(typed.publish('trades', [])).toEqualTypeOf<Promise<PublishAck>>();
    const trades: readonly Trade[] = [];
    expectTypeOf(typed.publish('trades', trades)).toEqualTypeOf<Promise<PublishAck>>();
    // @ts-expect-error: not a stream of the schema
    void typed.publish('nope', []);
    // @ts-expect-error: price must be a number
    void typed.publish('trades', [{ symbol: 'A', price: '1', ts: 0, trade_id: 't' }]);
  });

  it('types the rows of a view subscription', () => {
    const table = typed.subscribe('ohlc_1m', { where: { symbol: ['AAPL'] } }, (change) => {
      expectTypeOf(change).toEqualTypeOf<Change<Ohlc>>();
    });
    expectTypeOf(table).toEqualTypeOf<LiveTable<Ohlc>>();
    expectTypeOf(table.rows()).toEqualTypeOf<Ohlc[]>();
    expectTypeOf(table.get('AAPL')).toEqualTypeOf<Ohlc | undefined>();
    expectTypeOf(typed.subscribe({ view: 'ohlc_1m' })).toEqualTypeOf<LiveTable<Ohlc>>();
    // @ts-expect-error: where names columns of the view
    typed.subscribe('ohlc_1m', { where: { nope: 1 } });
    // @ts-expect-error: orderBy names columns of the view
    typed.subscribe('ohlc_1m', { orderBy: [['nope', 'asc']] });
    // @ts-expect-error: not a view of the schema
    typed.subscribe('trades');
  });

  it('types stream events and ad-hoc SQL rows', () => {
    const stream = typed.subscribe({ stream: 'trades' }, {}, (events) => {
      expectTypeOf(events).toEqualTypeOf<Trade[]>();
    });
    expectTypeOf(stream).toEqualTypeOf<StreamSubscription<Trade>>();
    const adHoc = typed.subscribe<{ symbol: string; n: number }>({ sql: 'SELECT …' });
    expectTypeOf(adHoc.rows()).toEqualTypeOf<{ symbol: string; n: number }[]>();
    expectTypeOf(typed.sql('SHOW VIEWS')).toEqualTypeOf<Promise<StatementResult[]>>();
  });

  it('without a schema, takes any name and gives Record<string, unknown> rows', () => {
    expectTypeOf(untyped.publish('anything', [{ any: 1 }])).toEqualTypeOf<Promise<PublishAck>>();
    // @ts-expect-error: events are objects
    void untyped.publish('anything', [1]);
    expectTypeOf(untyped.subscribe('any_view').rows()).toEqualTypeOf<Record<string, unknown>[]>();
    expectTypeOf(untyped.subscribe({ stream: 'any' })).toEqualTypeOf<
      StreamSubscription<Record<string, unknown>>
    >();
  });
});
