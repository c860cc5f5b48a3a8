import { parseArgs } from 'node:util';
import type { StreamInfo } from '../protocol/index.ts';
import { BatchBuilder } from './batch-builder.ts';
import { BatchPublisher } from './batch-publisher.ts';
import {
  EXIT_CODES_HELP,
  integerOption,
  SERVER_OPTIONS,
  SERVER_OPTIONS_HELP,
  serverTarget,
  usageError,
  type ServerTarget,
} from './cli-options.ts';
import { clientFailure } from './client-failure.ts';
import { openSession } from './client-session.ts';
import { openEventInput, inputFormat, type EventInput, type InputItem } from './event-input.ts';
import type { StreamShape } from './event-values.ts';
import { CliError, ExitCode, runClientCommand } from './exit-codes.ts';
import {
  progressLine,
  startProgress,
  summaryLine,
  type ProgressSnapshot,
} from './publish-progress.ts';
import { requestJson } from './server-request.ts';

export const PUBLISH_HELP = `vane publish: send events to a stream from NDJSON or CSV

Usage: vane publish [options] <stream> [file.ndjson | file.csv | -]

Reads stdin when no file (or '-') is given. NDJSON: one JSON object per line. CSV: a header row
names the columns; values are converted to the stream's column types (numbers, booleans,
timestamps as ISO-8601 or epoch ms, JSON; an empty cell is NULL). Events go over one WebSocket
in batches, several in flight; a batch counts only once the server acknowledges it as durable.
A batch that times out is sent again with the same events: the server de-duplicates events that
carry the stream's id column. Ids are never invented; events without one may count twice if
their batch is sent again (a warning says so).

Options:
  --format <ndjson|csv>  input format (default: by extension, .csv is CSV; else NDJSON)
  --batch-size <n>       events per batch (default 500; batches are also cut at 192 KiB,
                         and sent after 200 ms without new input)
  --max-in-flight <n>    batches sent and not yet acknowledged, at most (default 4)
  --skip-invalid         count bad lines and go on (default: stop at the first one)
  --quiet                no progress line, no summary (errors are still printed)
${SERVER_OPTIONS_HELP}

A bad line stops the run (exit code 6) with file:line and the reason (CSV: the column too);
the events before it are published. Progress goes to stderr when it is a terminal; the summary
(accepted, duplicates, rejected, time, rate) always goes to stderr unless --quiet.

${EXIT_CODES_HELP}

Examples:
  vane publish trades trades.ndjson
  vane publish sensors readings.csv --skip-invalid --batch-size 2000
  generate-events | vane publish trades --url http://vane.internal:7070 --token "$VANE_TOKEN"
`;

/** Batches are cut below the server's default 256 KiB WebSocket frame limit (docs/protocol.md). */
const MAX_BATCH_BYTES = 192 * 1024;
/** A server that stays unreachable this long ends the run (exit code 3). */
const GIVE_UP_AFTER_MS = 30_000;
const MAX_RETRIES = 5;
/** A partly filled batch is sent after this long without new input (a live producer). */
const LINGER_MS = 200;
/** Rejected lines listed in the summary; the rest are counted. */
const LISTED_REJECTIONS = 10;

interface PublishOptions {
  target: ServerTarget;
  stream: string;
  path: string;
  format: 'ndjson' | 'csv';
  batchSize: number;
  maxInFlight: number;
  skipInvalid: boolean;
  quiet: boolean;
}

/** `vane publish <stream> [file]`. */
export async function publish(argv: string[]): Promise<void> {
  const options = publishOptions(argv);
  if (options === 'help') {
    process.stdout.write(PUBLISH_HELP);
    return;
  }
  await runClientCommand('publish', () => run(options));
}

function publishOptions(argv: string[]): PublishOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      ...SERVER_OPTIONS,
      format: { type: 'string' },
      'batch-size': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  if (values.help === true) return 'help';
  const [stream, path = '-', ...extra] = positionals;
  if (stream === undefined) throw usageError('which stream? vane publish <stream> [file]');
  if (extra.length > 0) throw usageError(`one input file at most (got ${positionals.length - 1})`);
  const format = inputFormat(path, values.format);
  if (format === undefined) throw usageError(`--format '${values.format}': ndjson or csv`);
  return {
    target: serverTarget(values, process.env),
    stream,
    path,
    format,
    batchSize: integerOption(values['batch-size'] ?? '500', '--batch-size', 1, 10_000),
    maxInFlight: integerOption(values['max-in-flight'] ?? '4', '--max-in-flight', 1, 64),
    skipInvalid: values['skip-invalid'] === true,
    quiet: values.quiet === true,
  };
}

async function run(options: PublishOptions): Promise<void> {
  const stream = await fetchStream(options.target, options.stream);
  let input: EventInput;
  try {
    input = await openEventInput(options.path, options.format, stream);
  } catch (error) {
    throw usageError(`cannot read ${options.path}: ${(error as Error).message}`);
  }
  if (options.path === '-' && process.stdin.isTTY === true && !options.quiet) {
    process.stderr.write(`reading ${options.format} events from the terminal; Ctrl-D ends\n`);
  }
  const startedMs = performance.now();
  const publisher = new BatchPublisher((events) => session.client.publish(stream.name, events), {
    maxInFlight: options.maxInFlight,
    maxRetries: MAX_RETRIES,
    skipInvalid: options.skipInvalid,
    retryDelayMs: (attempt) => Math.min(5_000, 250 * 2 ** (attempt - 1)),
    failure: (error, line) =>
      line === undefined
        ? clientFailure(error, options.target.wsUrl)
        : new CliError(
            ExitCode.badInput,
            `${input.source}:${line}: ${error.message.replace(/^event \d+: /, '')} (refused by the server)`,
          ),
  });
  // After the publisher: a URL the SDK refuses at once fails synchronously.
  const session = openSession(options.target, {
    giveUpAfterMs: GIVE_UP_AFTER_MS,
    onFailure: (error) => publisher.abort(error),
  });
  const snapshot = (): ProgressSnapshot => ({
    counts: publisher.counts,
    elapsedMs: performance.now() - startedMs,
    bytesRead: input.bytesRead(),
    totalBytes: input.totalBytes,
  });
  const progress = startProgress(options.quiet, () => progressLine(snapshot()));
  let inputError: CliError | undefined;
  try {
    inputError = await sendAll(input, stream, publisher, options);
    await publisher.drain();
  } finally {
    progress.stop();
    session.close();
  }
  const failure = inputError ?? publisher.failure;
  if (!options.quiet) {
    process.stderr.write(`${summaryLine(stream.name, snapshot())}\n`);
    const rejected = publisher.counts.rejected;
    for (const { line, reason } of rejected.slice(0, LISTED_REJECTIONS)) {
      process.stderr.write(`  skipped ${input.source}:${line}: ${reason}\n`);
    }
    if (rejected.length > LISTED_REJECTIONS) {
      process.stderr.write(`  … and ${rejected.length - LISTED_REJECTIONS} more skipped lines\n`);
    }
    if (publisher.counts.retries > 0 && stream.id === null) {
      process.stderr.write(
        `vane publish: warning: ${publisher.counts.retries} batches were sent again and ${stream.name} has no id ` +
          `column: some of their events may have counted twice\n`,
      );
    }
  }
  if (failure !== undefined) throw failure;
}

/**
 * Reads the input into batches and submits them; stops at the first bad line unless
 * `--skip-invalid` (the events before it are still sent) or once the publisher failed. Returns
 * the bad-line error, if any.
 */
async function sendAll(
  input: EventInput,
  stream: StreamShape,
  publisher: BatchPublisher,
  options: PublishOptions,
): Promise<CliError | undefined> {
  const batches = new BatchBuilder({
    maxEvents: options.batchSize,
    maxBytes: MAX_BATCH_BYTES,
    lingerMs: LINGER_MS,
    submit: (batch) => publisher.submit(batch),
  });
  let warnedMissingId = false;
  for await (const item of input.items()) {
    if (publisher.failure !== undefined) return undefined;
    if (item.kind === 'problem') {
      if (options.skipInvalid && item.fatal !== true) {
        publisher.skip(item.line, item.message);
        continue;
      }
      await batches.flush();
      return badLine(input.source, item);
    }
    if (item.jsonBytes > MAX_BATCH_BYTES) {
      const problem: InputItem = {
        kind: 'problem',
        line: item.line,
        message: `the event is ${item.jsonBytes} bytes; a batch may hold at most ${MAX_BATCH_BYTES}`,
      };
      if (options.skipInvalid) {
        publisher.skip(problem.line, problem.message);
        continue;
      }
      await batches.flush();
      return badLine(input.source, problem);
    }
    if (!warnedMissingId && stream.id !== null && (item.event[stream.id] ?? null) === null) {
      warnedMissingId = true;
      process.stderr.write(
        `vane publish: warning: ${input.source}:${item.line} has no ${stream.id}; events without ` +
          `an id cannot be de-duplicated and may count twice if their batch is sent again ` +
          `(ids are not invented)\n`,
      );
    }
    await batches.add(item.event, item.line, item.jsonBytes);
  }
  await batches.flush();
  return undefined;
}

function badLine(source: string, item: Extract<InputItem, { kind: 'problem' }>): CliError {
  const at = item.column === undefined ? `${item.line}` : `${item.line}:${item.column}`;
  return new CliError(ExitCode.badInput, `${source}:${at}: ${item.message}`);
}

/** The stream's columns from GET /v1/streams; an unknown stream is exit code 5. */
async function fetchStream(target: ServerTarget, name: string): Promise<StreamShape> {
  const { streams } = await requestJson<{ streams: StreamInfo[] }>(target, 'GET', '/v1/streams');
  const stream = streams.find((candidate) => candidate.name === name);
  if (stream === undefined) {
    const known = streams.map((candidate) => candidate.name).join(', ') || 'none';
    throw new CliError(
      ExitCode.notFound,
      `UNKNOWN_STREAM: no stream '${name}' on ${target.httpUrl} (streams this token sees: ${known})`,
    );
  }
  return stream;
}
