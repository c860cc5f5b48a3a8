import type { StreamSpec } from '../engine/index.ts';
import { SqlError } from '../util/index.ts';
import type { CreateStreamStatement } from './ast.ts';
import { durationOption, readOptions, stringOption } from './plan-options.ts';
import { didYouMean } from './suggest.ts';

export const DEFAULT_LATENESS_MS = 1000;
export const DEFAULT_RETENTION_MS = 3_600_000;

/** CREATE STREAM to a StreamSpec: columns unique, timestamp and id options naming real columns. */
export function planStream(statement: CreateStreamStatement): StreamSpec {
  const seen = new Set<string>();
  for (const column of statement.columns) {
    if (seen.has(column.name)) {
      throw new SqlError('SQL_SYNTAX', `column '${column.name}' is declared twice`, column.pos);
    }
    seen.add(column.name);
  }
  const options = readOptions(
    statement.options,
    {
      timestamp: stringOption,
      id: stringOption,
      lateness: durationOption,
      retention: durationOption,
    },
    'stream',
  );
  const columnNamed = (key: 'timestamp' | 'id'): string | null => {
    const name = options[key];
    if (name === undefined) return null;
    const entry = statement.options.find((option) => option.key === key)!;
    const column = statement.columns.find((candidate) => candidate.name === name);
    if (column === undefined) {
      throw new SqlError(
        'UNKNOWN_COLUMN',
        `${key} option names '${name}', which is not a column of ${statement.name}${didYouMean(name, seen)}`,
        entry.pos,
      );
    }
    if (key === 'timestamp' && column.type !== 'TIMESTAMP') {
      throw new SqlError(
        'SQL_TYPE',
        `the timestamp column '${name}' must be TIMESTAMP, not ${column.type}`,
        entry.pos,
      );
    }
    if (key === 'id' && column.type !== 'STRING' && column.type !== 'BIGINT') {
      throw new SqlError(
        'SQL_TYPE',
        `the id column '${name}' must be STRING or BIGINT, not ${column.type}`,
        entry.pos,
      );
    }
    return name;
  };
  return {
    name: statement.name,
    columns: statement.columns.map(({ name, type }) => ({ name, type })),
    timestampColumn: columnNamed('timestamp'),
    idColumn: columnNamed('id'),
    latenessMs: options.lateness ?? DEFAULT_LATENESS_MS,
    retentionMs: options.retention ?? DEFAULT_RETENTION_MS,
  };
}
