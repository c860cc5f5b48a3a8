import { describe, expect, it } from 'vitest';
import { csvBlocks } from './event-input.ts';

async function blocks(chunks: string[]): Promise<{ text: string; firstLine: number }[]> {
  const out: { text: string; firstLine: number }[] = [];
  for await (const block of csvBlocks(chunks)) out.push(block);
  return out;
}

describe('csvBlocks', () => {
  it('cuts after whole lines, numbering each block by its first line', async () => {
    expect(await blocks(['a,b\n1,', '2\n3,4\n5', ',6'])).toEqual([
      { text: 'a,b\n', firstLine: 1 },
      { text: '1,2\n3,4\n', firstLine: 2 },
      { text: '5,6', firstLine: 4 },
    ]);
  });

  it('keeps a quoted cell with a line break in one block, doubled quotes included', async () => {
    expect(await blocks(['a,b\n"x\n', 'y ""q""",1\n', '2,3\n'])).toEqual([
      { text: 'a,b\n', firstLine: 1 },
      { text: '"x\ny ""q""",1\n', firstLine: 2 },
      { text: '2,3\n', firstLine: 4 },
    ]);
  });

  it('hands an unclosed quote over at the end, for the parser to report', async () => {
    expect(await blocks(['a\n"open\n', 'more\n'])).toEqual([
      { text: 'a\n', firstLine: 1 },
      { text: '"open\nmore\n', firstLine: 2 },
    ]);
  });

  it('cuts after a line with a stray quote inside an unquoted cell', async () => {
    // CSV quoting opens a field only at its start: `5"` is a bad cell of its own line, for the
    // parser to report, and must not hold every later line back (a live pipe would stall).
    expect(await blocks(['a,b\n1,5"\n', '2,3\n', '4,"x,""y"""\n'])).toEqual([
      { text: 'a,b\n1,5"\n', firstLine: 1 },
      { text: '2,3\n', firstLine: 3 },
      { text: '4,"x,""y"""\n', firstLine: 4 },
    ]);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('é,€\n');
    const out: string[] = [];
    for await (const block of csvBlocks([
      bytes.subarray(0, 1),
      bytes.subarray(1, 4),
      bytes.subarray(4),
    ])) {
      out.push(block.text);
    }
    expect(out).toEqual(['é,€\n']);
  });
});
