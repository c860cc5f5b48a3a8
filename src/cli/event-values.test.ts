import { describe, expect, it } from 'vitest';
import { ndjsonItem } from './event-input.ts';
import { csvCellValue, csvRecordToEvent, eventProblem, type StreamShape } from './event-values.ts';

const stream: StreamShape = {
  name: 'readings',
  columns: [
    { name: 'sensor', type: 'STRING' },
    { name: 'value', type: 'DOUBLE' },
    { name: 'n', type: 'BIGINT' },
    { name: 'ok', type: 'BOOLEAN' },
    { name: 'ts', type: 'TIMESTAMP' },
    { name: 'meta', type: 'JSON' },
    { name: 'tags', type: 'ARRAY' },
  ],
  timestamp: 'ts',
  id: null,
};

describe('CSV cells', () => {
  it('convert to the column types; an empty cell is NULL', () => {
    expect(csvCellValue('', 'DOUBLE')).toEqual({ value: null });
    expect(csvCellValue('1.5e3', 'DOUBLE')).toEqual({ value: 1500 });
    expect(csvCellValue('42', 'BIGINT')).toEqual({ value: 42 });
    expect(csvCellValue('Yes', 'BOOLEAN')).toEqual({ value: true });
    expect(csvCellValue('0', 'BOOLEAN')).toEqual({ value: false });
    expect(csvCellValue('1767225600000', 'TIMESTAMP')).toEqual({ value: 1767225600000 });
    expect(csvCellValue('2026-01-01T00:00:00Z', 'TIMESTAMP')).toEqual({ value: 1767225600000 });
    expect(csvCellValue('{"a":1}', 'JSON')).toEqual({ value: { a: 1 } });
    expect(csvCellValue('plain text', 'JSON')).toEqual({ value: 'plain text' });
    expect(csvCellValue('["x"]', 'ARRAY')).toEqual({ value: ['x'] });
    expect(csvCellValue(' 7 ', 'STRING')).toEqual({ value: ' 7 ' });
  });

  it('say what is wrong with a bad cell', () => {
    expect(csvCellValue('abc', 'DOUBLE')).toEqual({ problem: "'abc' is not a number (DOUBLE)" });
    expect(csvCellValue('1.5', 'BIGINT')).toEqual({
      problem: "'1.5' is not a whole number (BIGINT)",
    });
    expect(csvCellValue('maybe', 'BOOLEAN')).toMatchObject({ problem: /not a boolean/ });
    expect(csvCellValue('2026-02-30', 'TIMESTAMP')).toMatchObject({ problem: /not a timestamp/ });
    expect(csvCellValue('{}', 'ARRAY')).toMatchObject({ problem: /not a JSON array/ });
  });

  it('make an event by the header; the bad cell is named by position and column', () => {
    const types = new Map(stream.columns.map((column) => [column.name, column.type]));
    expect(
      csvRecordToEvent(['s1', '2', 'x', '5'], ['sensor', 'value', 'other', 'ts'], types),
    ).toEqual({
      event: { sensor: 's1', value: 2, ts: 5 },
    });
    expect(csvRecordToEvent(['s1', 'two'], ['sensor', 'value'], types)).toEqual({
      column: 2,
      name: 'value',
      problem: "'two' is not a number (DOUBLE)",
    });
  });
});

describe('NDJSON lines', () => {
  it('are checked against the stream as ingest checks them', () => {
    expect(ndjsonItem('  ', 1, stream)).toBeUndefined();
    expect(ndjsonItem('{"ts": 1, "value": 2}', 2, stream)).toMatchObject({
      kind: 'event',
      line: 2,
    });
    expect(ndjsonItem('{"ts": 1', 3, stream)).toMatchObject({ message: /^not valid JSON/ });
    expect(ndjsonItem('"x"', 4, stream)).toMatchObject({ message: 'expected a JSON object' });
    expect(ndjsonItem('{"ts": 1, "n": 1.5}', 5, stream)).toMatchObject({
      message: 'n: expected a whole number (BIGINT), got 1.5',
    });
    expect(eventProblem({ value: 1 }, stream)).toBe("ts: missing (the stream's event time)");
    expect(eventProblem({ ts: 'yesterday' }, stream)).toMatch(/^ts: expected epoch milliseconds/);
    expect(
      eventProblem({ ts: '2026-01-01T00:00:00Z', meta: { any: [1] }, tags: null }, stream),
    ).toBeNull();
  });
});
