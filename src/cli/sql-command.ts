import { parseArgs } from 'node:util';
import type { StatementResultWire } from '../protocol/index.ts';
import {
  EXIT_CODES_HELP,
  SERVER_OPTIONS,
  SERVER_OPTIONS_HELP,
  serverTarget,
  usageError,
} from './cli-options.ts';
import { CliError, runClientCommand } from './exit-codes.ts';
import { readTextInput } from './read-input.ts';
import { requestJson, ServerError } from './server-request.ts';
import { sourcePointer } from './source-pointer.ts';
import { columnNames, renderTable } from './text-table.ts';

export const SQL_HELP = `vane sql: run SQL statements against a Vane server

Usage: vane sql [options] "<statements>"
       vane sql [options] -f <file.sql | ->

Statements run all or nothing (POST /v1/sql). SELECT, SHOW and DESCRIBE print a table; CREATE and
DROP print one line per statement. DDL needs a token with admin rights on a server with auth.

Options:
  -f, --file <path>      read the statements from a file ('-' for stdin)
  --json                 print the server's answer as JSON: {"results": [...]}
${SERVER_OPTIONS_HELP}

${EXIT_CODES_HELP}
A rejected statement prints the server's code and message, and the offending line with a caret.

Examples:
  vane sql "SHOW VIEWS"
  vane sql -f schema.sql --url http://vane.internal:7070 --token "$VANE_TOKEN"
  echo "SELECT * FROM ohlc_1m WHERE symbol = 'AAPL'" | vane sql -f - --json
`;

interface SqlAnswer {
  results: StatementResultWire[];
}

/** `vane sql`: statements from the argument, a file or stdin; results as tables or JSON. */
export async function sql(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { ...SERVER_OPTIONS, file: { type: 'string', short: 'f' }, json: { type: 'boolean' } },
  });
  if (values.help === true) {
    process.stdout.write(SQL_HELP);
    return;
  }
  if (values.file !== undefined && positionals.length > 0) {
    throw usageError('give the statements either as an argument or with -f, not both');
  }
  if (values.file === undefined && positionals.length !== 1) {
    throw usageError(
      positionals.length === 0
        ? 'no statements: vane sql "SHOW VIEWS" or vane sql -f file.sql'
        : 'quote the statements as one argument: vane sql "SELECT * FROM v"',
    );
  }
  const target = serverTarget(values, process.env);
  await runClientCommand('sql', async () => {
    const file = values.file;
    const source = file === undefined ? '<argument>' : file === '-' ? '<stdin>' : file;
    const text = file === undefined ? positionals[0]! : await readStatements(file);
    if (text.trim() === '') throw usageError(`no statements in ${source}`);
    let answer: SqlAnswer;
    try {
      answer = await requestJson<SqlAnswer>(target, 'POST', '/v1/sql', { sql: text });
    } catch (error) {
      throw withPointer(error, text, source);
    }
    process.stdout.write(
      values.json === true ? `${JSON.stringify(answer, null, 2)}\n` : formatResults(answer.results),
    );
  });
}

/**
 * Every statement's outcome: a table (and its row count) for the ones that return rows, set off
 * by blank lines; one line with the server's message for the others.
 */
export function formatResults(results: readonly StatementResultWire[]): string {
  const blocks: string[][] = [];
  let messages: string[] | undefined;
  for (const result of results) {
    if (result.rows === undefined) {
      if (messages === undefined) blocks.push((messages = []));
      messages.push(result.message);
      continue;
    }
    messages = undefined;
    const rows = result.rows;
    const count = `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`;
    blocks.push([...renderTable(columnNames(result.columns, rows), rows), count]);
  }
  return blocks.map((lines) => `${lines.join('\n')}\n`).join('\n');
}

async function readStatements(file: string): Promise<string> {
  try {
    return await readTextInput(file);
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** A SQL error with a position gets the offending line and a caret under its column. */
function withPointer(error: unknown, text: string, source: string): unknown {
  if (!(error instanceof ServerError) || error.line === undefined || error.column === undefined) {
    return error;
  }
  const pointer = sourcePointer(text, error.line, error.column, source);
  if (pointer === undefined) return error;
  return new CliError(error.exitCode, `${error.message}\n${pointer.join('\n')}`);
}
