import { describe, expect, it } from 'vitest';
import { VaneClientError } from '../client/index.ts';
import { VaneError } from '../util/index.ts';
import { integerOption, serverTarget, serverUrls } from './cli-options.ts';
import { ExitCode } from './exit-codes.ts';
import { parseOrder, parseWhere, tailFailure } from './tail-options.ts';

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

  it('take a timestamp as epoch ms or ISO-8601 with time and zone, as the server does', () => {
    const at = [{ name: 'ts', type: 'TIMESTAMP' }];
    expect(
      parseWhere(['ts=1767225600000', 'ts=2026-01-01T00:00:00.5+01:00'], at, ['ts'], 'v'),
    ).toEqual({ ts: [1767225600000, '2026-01-01T00:00:00.5+01:00'] });
    for (const bad of ['yesterday', '2026-01-01', '2026-01-01T00:00:00', '2026-13-45T99:00Z']) {
      let thrown: unknown;
      try {
        parseWhere([`ts=${bad}`], at, ['ts'], 'v');
      } catch (error) {
        thrown = error;
      }
      // INVALID_OPTION: main.ts reports it as bad usage, exit code 2.
      expect(thrown, bad).toBeInstanceOf(VaneError);
      expect((thrown as VaneError).code).toBe('INVALID_OPTION');
      expect((thrown as VaneError).message).toMatch(/ts is a TIMESTAMP column, expected ISO-8601/);
    }
  });

  it('make a where the server refuses bad usage (exit code 2), other refusals as usual', () => {
    const where = new VaneClientError('INVALID_FIELD', 'where.ts: expected an ISO-8601 timestamp');
    expect(tailFailure(where, 'ws://h/v1/ws')).toMatchObject({
      exitCode: ExitCode.usage,
      message: '--where refused by the server: where.ts: expected an ISO-8601 timestamp',
    });
    const view = new VaneClientError('UNKNOWN_VIEW', 'no view v');
    expect(tailFailure(view, 'ws://h/v1/ws')).toMatchObject({ exitCode: ExitCode.notFound });
  });

  it('read --order', () => {
    expect(parseOrder('n:desc', columns)).toEqual(['n', 'desc']);
    expect(parseOrder('symbol', columns)).toEqual(['symbol', 'asc']);
    expect(() => parseOrder('n:down', columns)).toThrow(/asc or column:desc/);
    expect(() => parseOrder('x', columns)).toThrow(/no such column/);
  });
});
