import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { StreamInfo, ViewInfo } from '../protocol/index.ts';
import {
  EXIT_CODES_HELP,
  SERVER_OPTIONS,
  SERVER_OPTIONS_HELP,
  serverTarget,
  usageError,
} from './cli-options.ts';
import { CliError, ExitCode, runClientCommand } from './exit-codes.ts';
import { schemaTypes } from './schema-types.ts';
import { requestJson } from './server-request.ts';

export const TYPES_HELP = `vane types: TypeScript types for a server's streams and views

Usage: vane types [options]

Reads GET /v1/streams and GET /v1/views and writes an exported VaneSchema type (plus one event
type per stream and one row type per view) for the SDK's type parameter:
connect<VaneSchema>(url, { WebSocket }). Publishes, subscriptions and rows are then typed, and
a misspelt stream, view or column does not compile. With a token, only what the token may see.

Options:
  -o, --out <file>       write the types to this file (default: stdout)
${SERVER_OPTIONS_HELP}

${EXIT_CODES_HELP}

Examples:
  vane types -o src/vane-types.ts
  vane types --url http://vane.internal:7070 --token "$VANE_TOKEN" > vane-types.ts
`;

/** `vane types`. */
export async function types(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { ...SERVER_OPTIONS, out: { type: 'string', short: 'o' } },
  });
  if (values.help === true) {
    process.stdout.write(TYPES_HELP);
    return;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0]}'`);
  const target = serverTarget(values, process.env);
  await runClientCommand('types', async () => {
    const [{ streams }, { views }] = await Promise.all([
      requestJson<{ streams: StreamInfo[] }>(target, 'GET', '/v1/streams'),
      requestJson<{ views: ViewInfo[] }>(target, 'GET', '/v1/views'),
    ]);
    const source = schemaTypes({ streams, views }, target.httpUrl);
    if (values.out === undefined) {
      process.stdout.write(source);
      return;
    }
    try {
      await writeFile(values.out, source);
    } catch (error) {
      throw new CliError(
        ExitCode.failure,
        `cannot write ${values.out}: ${(error as Error).message}`,
      );
    }
    process.stderr.write(`wrote ${values.out}: ${streams.length} streams, ${views.length} views\n`);
  });
}
