import { describe, expect, it } from 'vitest';
import { VaneError } from '../util/index.ts';
import { createLogger, type LogLevel } from './logger.ts';

function memoryLogger(level: LogLevel = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line) => lines.push(line) } });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.SECRET-VALUE.sig';

describe('createLogger', () => {
  it('writes one JSON object per line with level, message and fields', () => {
    const { logger, lines, records } = memoryLogger();
    logger.info({ conn: 'c1', ip: '10.0.0.1' }, 'connection opened');
    logger.warn('slow: 100%s');
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.endsWith('\n'))).toBe(true);
    expect(records()[0]).toMatchObject({
      level: 30,
      msg: 'connection opened',
      conn: 'c1',
      ip: '10.0.0.1',
    });
    expect(records()[1]).toEqual(expect.objectContaining({ level: 40, msg: 'slow: 100%s' }));
  });

  it('drops lines below the level', () => {
    const { logger, records } = memoryLogger('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(records().map((r) => r['msg'])).toEqual(['w', 'e']);
  });

  it('never writes the value of a sensitive field, at any depth or letter case', () => {
    const { logger, lines, records } = memoryLogger();
    const fields = {
      token: SECRET,
      req: { headers: { authorization: `Bearer ${SECRET}`, Cookie: SECRET, host: 'h' } },
      Authorization: SECRET,
      config: { auth: { hs256Secret: SECRET, issuer: 'iss' }, db: { password: SECRET } },
      list: [{ accessToken: SECRET }, { nested: [{ secret: SECRET }] }],
      events: [{ price: SECRET }],
      payload: { any: SECRET },
      stream: 'trades',
    };
    logger.info(fields, 'handshake');
    const output = lines.join('');
    expect(output).not.toContain('SECRET-VALUE');
    expect(records()[0]).toMatchObject({
      token: '[redacted]',
      req: { headers: { authorization: '[redacted]', Cookie: '[redacted]', host: 'h' } },
      Authorization: '[redacted]',
      config: {
        auth: { hs256Secret: '[redacted]', issuer: 'iss' },
        db: { password: '[redacted]' },
      },
      list: [{ accessToken: '[redacted]' }, { nested: [{ secret: '[redacted]' }] }],
      events: '[redacted]',
      payload: '[redacted]',
      stream: 'trades',
    });
    expect(fields.token).toBe(SECRET);
    expect(fields.req.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('redacts child bindings', () => {
    const { logger, lines, records } = memoryLogger();
    logger.child({ conn: 'c1', token: SECRET }).child({ sub: 'alice' }).info('hello');
    expect(lines.join('')).not.toContain('SECRET-VALUE');
    expect(records()[0]).toMatchObject({ conn: 'c1', token: '[redacted]', sub: 'alice' });
  });

  it('serializes errors under err and redacts their properties', () => {
    const { logger, lines, records } = memoryLogger();
    const error = Object.assign(new VaneError('UNAUTHORIZED', 'bad token signature'), {
      payload: { sub: SECRET },
    });
    logger.error({ err: error, other: new Error('x', { cause: { token: SECRET } }) }, 'refused');
    expect(lines.join('')).not.toContain('SECRET-VALUE');
    const record = records()[0] as { err: Record<string, unknown>; other: Record<string, unknown> };
    expect(record.err).toMatchObject({
      type: 'VaneError',
      message: 'bad token signature',
      code: 'UNAUTHORIZED',
      payload: '[redacted]',
    });
    expect(record.err['stack']).toEqual(expect.stringContaining('bad token signature'));
    expect(record.other).toMatchObject({ type: 'Error', message: 'x' });
  });

  it('survives cyclic fields', () => {
    const { logger, records } = memoryLogger();
    const cyclic: Record<string, unknown> = { name: 'loop', token: SECRET };
    cyclic['self'] = cyclic;
    logger.info({ cyclic }, 'cycle');
    expect(records()[0]).toMatchObject({ cyclic: { name: 'loop', token: '[redacted]' } });
  });
});
