import { describe, expect, it } from 'vitest';
import { integerOption, serverTarget, serverUrls } from './cli-options.ts';
import { parseOrder, parseWhere } from './tail-options.ts';

describe('server URLs', () => {
  it('derive the WebSocket URL from --url, whichever form it takes', () => {
    expect(serverUrls('http://127.0.0.1:7070/')).toEqual({
      httpUrl: 'http://127.0.0.1:7070',
      wsUrl: 'ws://127.0.0.1:7070/v1/ws',
    });
    expect(serverUrls('wss://vane.example/v1/ws')).toEqual({
      httpUrl: 'https://vane.example',
      wsUrl: 'wss://vane.example/v1/ws',
    });
    expect(serverUrls('localhost:9000').wsUrl).toBe('ws://localhost:9000/v1/ws');
    expect(serverUrls('https://h/vane').wsUrl).toBe('wss://h/vane/v1/ws');
    expect(() => serverUrls('ftp://h')).toThrow(/scheme/);
  });

  it('take --url and --token over VANE_URL and VANE_TOKEN over the default', () => {
    expect(serverTarget({}, {})).toMatchObject({
      httpUrl: 'http://127.0.0.1:7070',
      token: undefined,
    });
    expect(serverTarget({}, { VANE_URL: 'http://a:1', VANE_TOKEN: 't' })).toMatchObject({
      httpUrl: 'http://a:1',
      token: 't',
    });
    expect(
      serverTarget({ url: 'http://b:2', token: 'u' }, { VANE_URL: 'http://a:1' }),
    ).toMatchObject({
      httpUrl: 'http://b:2',
      token: 'u',
    });
  });

  it('check whole-number options', () => {
    expect(integerOption('500', '--batch-size', 1, 10_000)).toBe(500);
    expect(() => integerOption('0', '--batch-size', 1, 10_000)).toThrow(/--batch-size '0'/);
  });
});

describe('tail filters', () => {
  const columns = [
    { name: 'symbol', type: 'STRING' },
    { name: 'n', type: 'BIGINT' },
    { name: 'up', type: 'BOOLEAN' },
  ];

  it('type the values by column; a repeated column is a list', () => {
    expect(
      parseWhere(['symbol=A', 'symbol=B=C', 'n=3', 'up=true'], columns, ['symbol', 'n', 'up'], 'v'),
    ).toEqual({
      symbol: ['A', 'B=C'],
      n: 3,
      up: true,
    });
    expect(parseWhere([], columns, [], 'v')).toBeUndefined();
  });

  it('refuse columns the target cannot filter on, and bad values', () => {
    expect(() => parseWhere(['n=3'], columns, ['symbol'], 'view v')).toThrow(
      /--where n: not a column view v can filter on \(symbol\)/,
    );
    expect(() => parseWhere(['n=x'], columns, ['n'], 'v')).toThrow(/expected a number/);
    expect(() => parseWhere(['symbol'], columns, ['symbol'], 'v')).toThrow(/column=value/);
  });

  it('read --order', () => {
    expect(parseOrder('n:desc', columns)).toEqual(['n', 'desc']);
    expect(parseOrder('symbol', columns)).toEqual(['symbol', 'asc']);
    expect(() => parseOrder('n:down', columns)).toThrow(/asc or column:desc/);
    expect(() => parseOrder('x', columns)).toThrow(/no such column/);
  });
});
