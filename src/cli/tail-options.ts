import type { VaneClientError } from '../client/index.ts';
import { ISO_TIMESTAMP, type WireColumn } from '../protocol/index.ts';
import { usageError } from './cli-options.ts';
import { clientFailure } from './client-failure.ts';
import { CliError, ExitCode } from './exit-codes.ts';

/**
 * `--where col=value` and `--order col:desc` as subscription options. Pure. Values take the
 * column's type (numbers for BIGINT/DOUBLE, true/false for BOOLEAN, epoch ms for a numeric
 * TIMESTAMP, else ISO-8601 as the server takes it); a column given twice accepts either value.
 * Every bad term is a usage error (exit code 2), found here rather than by the server.
 */
export function parseWhere(
  terms: readonly string[],
  columns: readonly WireColumn[],
  allowed: readonly string[],
  what: string,
): Record<string, unknown> | undefined {
  if (terms.length === 0) return undefined;
  const where: Record<string, unknown[]> = {};
  for (const term of terms) {
    const at = term.indexOf('=');
    if (at <= 0) throw usageError(`--where '${term}': expected column=value`);
    const name = term.slice(0, at).trim();
    const text = term.slice(at + 1);
    const column = columns.find((candidate) => candidate.name === name);
    if (column === undefined || !allowed.includes(name)) {
      throw usageError(
        `--where ${name}: not a column ${what} can filter on (${allowed.join(', ')})`,
      );
    }
    (where[name] ??= []).push(typedValue(text, column.type, name));
  }
  return Object.fromEntries(
    Object.entries(where).map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
}

/**
 * A subscription the server refused for its `where` (INVALID_FIELD `where…`) is a bad --where:
 * exit code 2, as when parseWhere refuses it, whichever side notices. The rest as any command.
 */
export function tailFailure(error: VaneClientError, wsUrl: string): CliError {
  if (error.code === 'INVALID_FIELD' && error.message.startsWith('where')) {
    return new CliError(ExitCode.usage, `--where refused by the server: ${error.message}`);
  }
  return clientFailure(error, wsUrl);
}

/** `col`, `col:asc` or `col:desc`. */
export function parseOrder(text: string, columns: readonly WireColumn[]): [string, 'asc' | 'desc'] {
  const at = text.lastIndexOf(':');
  const name = at < 0 ? text : text.slice(0, at);
  const direction = at < 0 ? 'asc' : text.slice(at + 1).toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') {
    throw usageError(`--order '${text}': expected column:asc or column:desc`);
  }
  if (!columns.some((column) => column.name === name)) {
    throw usageError(
      `--order ${name}: no such column (${columns.map((column) => column.name).join(', ')})`,
    );
  }
  return [name, direction];
}

function typedValue(text: string, type: string, name: string): unknown {
  if (type === 'BIGINT' || type === 'DOUBLE') {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) {
      throw usageError(`--where ${name}=${text}: ${name} is a ${type} column, expected a number`);
    }
    return value;
  }
  if (type === 'BOOLEAN') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw usageError(`--where ${name}=${text}: ${name} is BOOLEAN, expected true or false`);
  }
  if (type === 'TIMESTAMP') {
    if (/^-?\d+$/.test(text)) return Number(text);
    if (ISO_TIMESTAMP.test(text) && Number.isFinite(Date.parse(text))) return text;
    throw usageError(
      `--where ${name}=${text}: ${name} is a TIMESTAMP column, expected ISO-8601 with a time ` +
        `and a zone (2026-01-01T09:30:00Z) or epoch milliseconds`,
    );
  }
  return text;
}
