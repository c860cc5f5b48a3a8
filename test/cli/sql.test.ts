/** `vane sql` end to end: a real server in this process, the command as a child process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TRADES_SQL, type TestServer } from '../integration/helpers.ts';
import { runVane } from './run-vane.ts';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'vane-cli-sql-'));

beforeAll(async () => {
  server = await startTestServer({ initSql: TRADES_SQL, dev: true });
});

afterAll(async () => {
  await server.stop();
});

describe('vane sql', () => {
  it('prints SHOW and DESCRIBE as aligned tables, DDL as one line per statement', async () => {
    const ddl = await runVane([
      'sql',
      '--url',
      server.url,
      'CREATE STREAM s1 (a STRING, b DOUBLE); CREATE VIEW v1 AS SELECT a, count(*) AS n FROM s1 GROUP BY a;',
    ]);
    expect(ddl.stderr).toBe('');
    expect(ddl.code).toBe(0);
    expect(ddl.stdout).toBe('created stream s1\ncreated view v1\n');

    const show = await runVane(['sql', '--url', server.url, 'DESCRIBE trades']);
    expect(show.code).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toMatch(/^column\s+type/);
    expect(lines[1]).toMatch(/^-+ {2}-+/);
    expect(show.stdout).toMatch(/price\s+DOUBLE/);
    expect(show.stdout).toMatch(/\(5 rows\)/);
  });

  it('reads a file or stdin and prints JSON with --json', async () => {
    const file = join(dir, 'show.sql');
    writeFileSync(file, 'SHOW STREAMS;\n');
    const fromFile = await runVane(['sql', '--url', server.url, '-f', file, '--json']);
    expect(fromFile.code).toBe(0);
    const answer = JSON.parse(fromFile.stdout) as { results: { rows: { name: string }[] }[] };
    expect(answer.results[0]!.rows.map((row) => row.name)).toContain('trades');

    const fromStdin = await runVane(['sql', '-f', '-'], {
      input: 'SHOW VIEWS',
      env: { VANE_URL: server.url },
    });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toMatch(/last_price/);
  });

  it('points at the offending line and column of a file with a caret, exit code 6', async () => {
    const file = join(dir, 'bad.sql');
    writeFileSync(file, 'SHOW VIEWS;\nSELECT price FRM trades;\n');
    const run = await runVane(['sql', '--url', server.url, '-f', file]);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/^vane sql: SQL_SYNTAX: .*line 2, column \d+/);
    const lines = run.stderr.split('\n');
    const at = lines.findIndex((line) => line.startsWith('2 | '));
    expect(lines[at]).toBe('2 | SELECT price FRM trades;');
    const column = Number(/--> .*bad\.sql:2:(\d+)/.exec(run.stderr)?.[1]);
    expect(lines[at + 1]!.indexOf('^') - 4).toBe(column - 1);
  });

  it('reports an unknown view with its code and exit code 5', async () => {
    const run = await runVane(['sql', '--url', server.url, 'SELECT * FROM nope']);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/UNKNOWN_VIEW/);
  });

  it('refuses bad usage with exit code 2', async () => {
    const run = await runVane(['sql', '--url', server.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no statements/);
    const help = await runVane(['sql', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: vane sql/m);
    expect(help.stdout).toMatch(/Examples:/);
  });
});
