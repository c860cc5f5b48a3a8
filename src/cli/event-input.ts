import type { CsvError } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { csvRecordToEvent, eventProblem, type StreamShape } from './event-values.ts';

export type InputFormat = 'ndjson' | 'csv';

/** One input record: an event to send, or why its line cannot be one. */
export type InputItem =
  | { kind: 'event'; line: number; event: Record<string, unknown>; jsonBytes: number }
  | {
      kind: 'problem';
      line: number;
      /** CSV: the 1-based field position of the bad cell. */
      column?: number;
      message: string;
      /** Nothing after it can be read (a CSV header without the timestamp column). */
      fatal?: boolean;
    };

/** Events read from a file or stdin, with how far the reading got for a progress bar. */
export interface EventInput {
  /** `file.csv` or `<stdin>`, for messages (`file.csv:12: …`). */
  readonly source: string;
  readonly format: InputFormat;
  /** The size of a regular file; unknown for stdin and pipes. */
  readonly totalBytes: number | undefined;
  bytesRead(): number;
  items(): AsyncGenerator<InputItem>;
}

/** The format named by `--format`, else by the file's extension, else NDJSON. */
export function inputFormat(path: string, flag: string | undefined): InputFormat | undefined {
  if (flag !== undefined) return flag === 'ndjson' || flag === 'csv' ? flag : undefined;
  return /\.csv$/i.test(path) ? 'csv' : 'ndjson';
}

/**
 * Opens `path` (`-` for stdin). Reading follows the consumer: the file is read only as fast as
 * the items are taken, so a slow server holds the input back instead of filling memory.
 */
export async function openEventInput(
  path: string,
  format: InputFormat,
  stream: StreamShape,
): Promise<EventInput> {
  const fromStdin = path === '-';
  const info = fromStdin ? undefined : await stat(path);
  const input: Readable = fromStdin ? process.stdin : createReadStream(path);
  let bytes = 0;
  input.on('data', (chunk: Buffer | string) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  });
  return {
    source: fromStdin ? '<stdin>' : path,
    format,
    totalBytes: info?.isFile() === true ? info.size : undefined,
    bytesRead: () => bytes,
    items: async function* () {
      try {
        yield* format === 'csv' ? csvItems(input, stream) : ndjsonItems(input, stream);
      } finally {
        // Also stdin: a producer still writing into it must not keep the process alive.
        input.destroy();
      }
    },
  };
}

/** One JSON object per line; blank lines are skipped (as the server's NDJSON route does). */
async function* ndjsonItems(input: Readable, stream: StreamShape): AsyncGenerator<InputItem> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const text of lines) {
      line++;
      const item = ndjsonItem(text, line, stream);
      if (item !== undefined) yield item;
    }
  }
  pending += decoder.end();
  if (pending !== '') {
    const item = ndjsonItem(pending, line + 1, stream);
    if (item !== undefined) yield item;
  }
}

/** One NDJSON line as an item; undefined for a blank line. Exported for tests. */
export function ndjsonItem(text: string, line: number, stream: StreamShape): InputItem | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let event: unknown;
  try {
    event = JSON.parse(trimmed);
  } catch (error) {
    return { kind: 'problem', line, message: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return { kind: 'problem', line, message: 'expected a JSON object' };
  }
  const problem = eventProblem(event as Record<string, unknown>, stream);
  if (problem !== null) return { kind: 'problem', line, message: problem };
  return {
    kind: 'event',
    line,
    event: event as Record<string, unknown>,
    jsonBytes: Buffer.byteLength(trimmed),
  };
}

/**
 * CSV with a header row naming the columns. A record with the wrong number of fields or broken
 * quoting is a problem of its line; the parser skips it and goes on (the caller decides whether
 * to stop).
 *
 * The input is cut into blocks of whole records (csvBlocks) and each block parsed at once, rather
 * than piped through csv-parse's stream, which holds every record back until the next one starts:
 * `tail -f trades.csv | vane publish` sent each line only when the following one arrived.
 */
async function* csvItems(input: Readable, stream: StreamShape): AsyncGenerator<InputItem> {
  const types = new Map(stream.columns.map((column) => [column.name, column.type]));
  let header: string[] | undefined;
  for await (const block of csvBlocks(input)) {
    const problems: InputItem[] = [];
    const lineOf = (linesInBlock: number): number => block.firstLine - 1 + linesInBlock;
    const records = parseCsvSync(block.text, {
      bom: block.firstLine === 1,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        problems.push({
          kind: 'problem',
          line: lineOf((error as { lines?: number } | undefined)?.lines ?? 1),
          message: error?.message ?? 'unreadable CSV record',
        });
        return undefined;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
    // In line order: records and the skipped ones between them.
    const items: InputItem[] = [];
    for (const item of records) {
      const line = lineOf(item.info.lines);
      if (header === undefined) {
        header = item.record.map((name) => name.trim());
        const missing = headerProblem(header, stream);
        if (missing !== null) {
          yield* problems.filter((problem) => problem.line < line);
          yield { kind: 'problem', line, message: missing, fatal: true };
          return;
        }
        continue;
      }
      const converted = csvRecordToEvent(item.record, header, types);
      if ('problem' in converted) {
        items.push({
          kind: 'problem',
          line,
          column: converted.column,
          message: `column ${converted.name}: ${converted.problem}`,
        });
      } else {
        const jsonBytes = Buffer.byteLength(JSON.stringify(converted.event));
        items.push({ kind: 'event', line, event: converted.event, jsonBytes });
      }
    }
    yield* [...items, ...problems].sort((x, y) => x.line - y.line);
  }
}

/**
 * The input as blocks of whole CSV records: complete lines, cut where no quoted field is open (a
 * quoted field with a line break in it keeps its record in one block). Quoting as CSV has it: a
 * double quote opens a quoted field only as the field's first character, `""` inside one is a
 * quote, and the next lone `"` closes it; a stray quote inside an unquoted field (`1,5"`) opens
 * nothing, so one bad line never holds back the rest of the input. What is left at the end is
 * the last block.
 */
export async function* csvBlocks(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<{ text: string; firstLine: number }> {
  const decoder = new StringDecoder('utf8');
  /** Text not yet in a block; its first `scanned` characters are whole lines already looked at. */
  let pending = '';
  let scanned = 0;
  /** Whether a quoted field is open at `scanned`, and where the last block may end (0: nowhere). */
  let quoted = false;
  let cut = 0;
  let firstLine = 1;
  function* take(atEnd: boolean): Generator<{ text: string; firstLine: number }> {
    for (let at = pending.indexOf('\n', scanned); at !== -1; at = pending.indexOf('\n', scanned)) {
      quoted = quotedAfter(pending, scanned, at + 1, quoted);
      scanned = at + 1;
      if (!quoted) cut = scanned;
    }
    if (atEnd) cut = pending.length;
    if (cut === 0) return;
    const text = pending.slice(0, cut);
    yield { text, firstLine };
    firstLine += countLines(text);
    pending = pending.slice(cut);
    scanned = Math.max(0, scanned - cut);
    // A block ends outside any quoted field, so what follows it starts outside one.
    quoted = quotedAfter(pending, 0, scanned, false);
    cut = 0;
  }
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    yield* take(false);
  }
  pending += decoder.end();
  if (pending !== '') yield* take(true);
}

/**
 * Whether a quoted field is open after `text[from..to)`, given whether one was open at `from`
 * (which is the start of a line).
 */
function quotedAfter(text: string, from: number, to: number, quotedAtFrom: boolean): boolean {
  let quoted = quotedAtFrom;
  let fieldStart = !quotedAtFrom;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (quoted) {
      if (code !== QUOTE) continue;
      if (i + 1 < to && text.charCodeAt(i + 1) === QUOTE) i++;
      else quoted = false;
    } else if (code === QUOTE && fieldStart) {
      quoted = true;
    } else {
      fieldStart = code === COMMA || code === NEWLINE;
      continue;
    }
    fieldStart = false;
  }
  return quoted;
}

const QUOTE = 34;
const COMMA = 44;
const NEWLINE = 10;

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** A header without the stream's timestamp column would make every row fail. */
function headerProblem(header: readonly string[], stream: StreamShape): string | null {
  if (stream.timestamp !== null && !header.includes(stream.timestamp)) {
    return `the CSV header has no column '${stream.timestamp}', the event time of ${stream.name} (header: ${header.join(', ')})`;
  }
  if (!header.some((name) => stream.columns.some((column) => column.name === name))) {
    return `no column of the CSV header is a column of ${stream.name} (header: ${header.join(', ')})`;
  }
  return null;
}
