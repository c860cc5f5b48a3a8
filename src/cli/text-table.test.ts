import { describe, expect, it } from 'vitest';
import { liveFrame } from './live-table-view.ts';
import { sourcePointer } from './source-pointer.ts';
import { formatResults } from './sql-command.ts';
import { cellText, columnNames, renderTable } from './text-table.ts';

describe('renderTable', () => {
  it('pads columns to the widest cell and right-aligns numbers', () => {
    const lines = renderTable(
      ['symbol', 'price', 'note'],
      [
        { symbol: 'AAPL', price: 189.25, note: null },
        { symbol: 'MSFT', price: 7, note: { a: [1] } },
      ],
    );
    expect(lines).toEqual([
      'symbol  price   note',
      '------  ------  ---------',
      'AAPL    189.25  NULL',
      'MSFT         7  {"a":[1]}',
    ]);
  });

  it('escapes newlines and cuts long cells when asked', () => {
    expect(cellText('a\nb\tc')).toBe('a\\nb\\tc');
    expect(renderTable(['t'], [{ t: 'abcdefgh' }], { maxCellWidth: 4 })[2]).toBe('abc…');
  });

  it('takes the column order from the server, else from the rows', () => {
    expect(columnNames([{ name: 'b' }, { name: 'a' }], [{ a: 1, b: 2 }])).toEqual(['b', 'a']);
    expect(columnNames(undefined, [{ a: 1 }, { b: 2 }])).toEqual(['a', 'b']);
  });
});

describe('sourcePointer', () => {
  it('puts a caret under the column, keeping tabs aligned', () => {
    expect(sourcePointer('SHOW VIEWS;\n\tSELECT x FRM t;', 2, 11, 'a.sql')).toEqual([
      ' --> a.sql:2:11',
      '2 | \tSELECT x FRM t;',
      '  | \t         ^',
    ]);
    expect(sourcePointer('x', 3, 1, 'a.sql')).toBeUndefined();
  });
});

describe('liveFrame', () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({ k: `key${i}`, v: i, wide: 'x'.repeat(30) }));

  it('fits the terminal: rows and columns beyond it are counted in the footer', () => {
    const lines = liveFrame({
      title: 'T',
      columns: ['k', 'v', 'wide'],
      rows,
      width: 20,
      height: 10,
    });
    expect(lines).toHaveLength(9);
    expect(lines.every((line) => line.length <= 20)).toBe(true);
    expect(lines[1]).toBe('k      v');
    expect(lines.at(-1)).toBe('… 25 more rows, 1 m…');
  });

  it('keeps the newest rows of a stream and highlights changed cells', () => {
    const lines = liveFrame({
      title: 'T',
      columns: ['k', 'v'],
      rows,
      width: 80,
      height: 7,
      keepLast: true,
      highlighted: (index, column) => index === 29 && column === 'v',
    });
    expect(lines.slice(3, 5)).toEqual(['key28  28', 'key29  \x1b[7m29\x1b[27m']);
  });
});

describe('formatResults', () => {
  it('prints DDL one line per statement and tables set off by blank lines', () => {
    expect(
      formatResults([
        { statement: 'CREATE STREAM', message: 'created stream s' },
        { statement: 'CREATE VIEW', message: 'created view v' },
        {
          statement: 'SHOW VIEWS',
          message: '1 view',
          columns: [{ name: 'name', type: 'STRING' }],
          rows: [{ name: 'v' }],
        },
        { statement: 'DROP VIEW', message: 'dropped view v' },
      ]),
    ).toBe('created stream s\ncreated view v\n\nname\n----\nv\n(1 row)\n\ndropped view v\n');
  });
});
