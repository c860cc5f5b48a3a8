import { describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../observability/index.ts';
import { ThrottledWarnings } from './throttled-warnings.ts';

function recordingLogger(lines: LogFields[]): Logger {
  const logger: Logger = {
    error: () => {},
    info: () => {},
    debug: () => {},
    warn: (fields: LogFields | string) => {
      lines.push(typeof fields === 'string' ? { msg: fields } : fields);
    },
    child: () => logger,
  };
  return logger;
}

describe('throttled warnings', () => {
  it('logs the first of a kind, then one per interval with the count left out', () => {
    const lines: LogFields[] = [];
    let now = 0;
    const warnings = new ThrottledWarnings(recordingLogger(lines), () => now, 1_000);
    for (let i = 0; i < 100; i++) warnings.warn('malformed', { topic: `t${i}` }, 'bad');
    warnings.warn('refused', { topic: 'r' }, 'refused');
    expect(lines).toEqual([{ topic: 't0' }, { topic: 'r' }]);
    now = 1_000;
    warnings.warn('malformed', { topic: 'later' }, 'bad');
    expect(lines.at(-1)).toEqual({ topic: 'later', suppressed: 99 });
    now = 2_500;
    warnings.warn('malformed', { topic: 'again' }, 'bad');
    expect(lines.at(-1)).toEqual({ topic: 'again' });
  });
});
