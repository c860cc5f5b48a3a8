import { parseArgs } from 'node:util';
import type { ConnectionState } from '../client/index.ts';
import type { StreamInfo, ViewInfo } from '../protocol/index.ts';
import {
  EXIT_CODES_HELP,
  integerOption,
  SERVER_OPTIONS,
  SERVER_OPTIONS_HELP,
  serverTarget,
  usageError,
  type ServerTarget,
} from './cli-options.ts';
import { openSession } from './client-session.ts';
import { CliError, ExitCode, runClientCommand } from './exit-codes.ts';
import { requestJson } from './server-request.ts';
import { parseOrder, parseWhere, tailFailure } from './tail-options.ts';
import { TailScreen } from './tail-screen.ts';
import { watchStream } from './tail-stream.ts';
import { watchView } from './tail-view.ts';
import type { TailTarget, WatchContext } from './tail-watch.ts';

export const TAIL_HELP = `vane tail: watch a view or a stream live

Usage: vane tail [options] <view | stream>

A view shows its rows and every change; a stream shows its events as they are accepted. On a
terminal the table is drawn in place (changed cells highlighted, the connection state in the
title line); otherwise, or with --json, one JSON line per change: for a view
{"op":"upsert"|"delete","row":{…}} (the snapshot first, as upserts), for a stream each event.
The connection is kept across server restarts (the SDK reconnects and resumes). Ctrl-C exits
with code 0.

Options:
  --where <col=value>    only rows whose column has this value; repeat a column for a list
                         of values (views: key columns; streams: any column)
  --order <col[:desc]>   top-N: rows in this order (views only; default --limit 10000)
  --limit <n>            top-N: the first n rows in --order order (views only; needs --order)
  --json                 one JSON line per change even on a terminal
${SERVER_OPTIONS_HELP}

${EXIT_CODES_HELP}

Examples:
  vane tail ohlc_1m --where symbol=AAPL --where symbol=MSFT
  vane tail last_price --order n:desc --limit 10
  vane tail trades --json | jq .price
`;

/** The protocol's largest top-N limit (docs/protocol.md), used for --order without --limit. */
const MAX_LIMIT = 10_000;

/** `vane tail <view|stream>`: resolves when the user stops it; rejects on a failure for good. */
export async function tail(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      ...SERVER_OPTIONS,
      where: { type: 'string', multiple: true },
      order: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(TAIL_HELP);
    return;
  }
  if (positionals.length !== 1) throw usageError('name one view or stream: vane tail <name>');
  const limit =
    values.limit === undefined ? undefined : integerOption(values.limit, '--limit', 1, MAX_LIMIT);
  if (limit !== undefined && values.order === undefined) {
    throw usageError('--limit needs --order (the rows of a top-N come in an order)');
  }
  const server = serverTarget(values, process.env);
  await runClientCommand('tail', async () => {
    const found = await findTarget(server, positionals[0]!);
    const isView = found.kind === 'view';
    if (!isView && values.order !== undefined) {
      throw usageError('--order and --limit apply to views; a stream is shown as it arrives');
    }
    const target: TailTarget = {
      kind: found.kind,
      name: found.name,
      columns: found.columns,
      where: parseWhere(
        values.where ?? [],
        found.columns,
        isView ? (found as ViewInfo).key : found.columns.map((column) => column.name),
        isView ? `view ${found.name}` : `stream ${found.name}`,
      ),
      orderBy: values.order === undefined ? undefined : parseOrder(values.order, found.columns),
      limit: values.order === undefined ? undefined : (limit ?? MAX_LIMIT),
    };
    const live = process.stdout.isTTY === true && values.json !== true;
    await watch(server, target, live);
  });
}

/** A view of that name, else a stream; an unknown name is exit code 5. */
async function findTarget(
  server: ServerTarget,
  name: string,
): Promise<(ViewInfo | StreamInfo) & { kind: 'view' | 'stream' }> {
  const [{ views }, { streams }] = await Promise.all([
    requestJson<{ views: ViewInfo[] }>(server, 'GET', '/v1/views'),
    requestJson<{ streams: StreamInfo[] }>(server, 'GET', '/v1/streams'),
  ]);
  const view = views.find((candidate) => candidate.name === name);
  if (view !== undefined) return { ...view, kind: 'view' };
  const stream = streams.find((candidate) => candidate.name === name);
  if (stream !== undefined) return { ...stream, kind: 'stream' };
  const list = (items: { name: string }[]): string => items.map((item) => item.name).join(', ');
  throw new CliError(
    ExitCode.notFound,
    `UNKNOWN_VIEW: no view or stream '${name}' on ${server.httpUrl} that this token can see ` +
      `(views: ${list(views) || 'none'}; streams: ${list(streams) || 'none'})`,
  );
}

/** Subscribes and prints until Ctrl-C (resolves) or a failure for good (rejects). */
function watch(server: ServerTarget, target: TailTarget, live: boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let state: ConnectionState = 'connecting';
    let closeSession = (): void => undefined;
    let screen: TailScreen | undefined;
    let finished = false;
    const finish = (error?: CliError): void => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      screen?.stop();
      closeSession();
      if (error === undefined) resolve();
      else reject(error);
    };
    const stop = (): void => finish();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // A closed pipe (`vane tail v --json | head`) is the reader being done, not a failure.
    process.stdout.on('error', stop);

    const session = openSession(server, {
      giveUpAfterMs: Infinity,
      onState: (next) => {
        if (!live && next === 'reconnecting' && state === 'open') {
          process.stderr.write('vane tail: connection lost; reconnecting\n');
        }
        if (!live && next === 'open' && state === 'reconnecting') {
          process.stderr.write('vane tail: reconnected\n');
        }
        state = next;
        screen?.invalidate();
      },
      onFailure: (error) => finish(error),
    });
    closeSession = () => session.close();
    const context: WatchContext = {
      client: session.client,
      target,
      live,
      // https://no-color.org: no highlight when NO_COLOR is set to anything but ''.
      colour: (process.env.NO_COLOR ?? '') === '',
      title: (count) =>
        `vane tail ${target.name} · ${stateWord(state)} · ${count} ${
          target.kind === 'view' ? 'rows' : 'recent events'
        } · Ctrl-C quits · ${server.wsUrl}`,
      changed: () => screen?.invalidate(),
      failed: (error) => finish(tailFailure(error, server.wsUrl)),
    };
    const source = target.kind === 'view' ? watchView(context) : watchStream(context);
    if (source !== undefined && !finished) {
      screen = new TailScreen(process.stdout, source);
      screen.start();
    }
  });
}

function stateWord(state: ConnectionState): string {
  switch (state) {
    case 'open':
      return 'live';
    case 'connecting':
      return 'connecting…';
    case 'reconnecting':
      return 'reconnecting…';
    case 'closed':
      return 'closed';
  }
}
