/**
 * The failures every client command reports the same way: a server nothing answers for (exit
 * code 3), a refused or insufficient token (exit code 4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SECRET,
  signToken,
  startTestServer,
  TRADES_SQL,
  type TestServer,
} from '../integration/helpers.ts';
import { closedPort, runVane } from './run-vane.ts';

let server: TestServer;
let nobody: string;

beforeAll(async () => {
  server = await startTestServer({ initSql: TRADES_SQL, auth: { hs256Secret: SECRET } });
  nobody = `http://127.0.0.1:${await closedPort()}`;
});

afterAll(async () => {
  await server.stop();
});

describe('client commands against no server', () => {
  it('exit code 3 naming the URL and "connection refused", for every command', async () => {
    const commands = [
      ['sql', 'SHOW VIEWS'],
      ['publish', 'trades'],
      ['tail', 'last_price'],
      ['types'],
    ];
    // Concurrently: each run is mostly the child's start-up.
    const runs = await Promise.all(commands.map((args) => runVane([...args, '--url', nobody])));
    runs.forEach((run, i) => {
      expect(run.code, commands[i]![0]).toBe(3);
      expect(run.stderr).toContain(`cannot reach a Vane server at ${nobody}: connection refused`);
    });
  });
});

describe('client commands with a bad token', () => {
  it('a missing or bad token: exit code 4, saying the token was refused', async () => {
    const missing = await runVane(['sql', '--url', server.url, 'SHOW VIEWS']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/refused the token \(401 UNAUTHORIZED\)/);
    const bad = await runVane(['tail', 'last_price', '--url', server.url], {
      env: { VANE_TOKEN: 'not.a.jwt' },
    });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/refused the token \(401/);
  });

  it('types and publish with a bad, missing, wrongly signed or expired token: 401, exit code 4', async () => {
    const cases = [
      { args: ['types'], token: 'not.a.jwt' },
      { args: ['types'], token: undefined },
      { args: ['publish', 'trades'], token: await signToken({ secret: `not-${SECRET}` }) },
      {
        args: ['publish', 'trades'],
        token: await signToken({ exp: Math.floor(Date.now() / 1000) - 60 }),
      },
    ];
    const event = `{"symbol":"A","price":1,"qty":1,"ts":1,"trade_id":"t401"}\n`;
    const tokenArgs = (token: string | undefined) =>
      token === undefined ? [] : ['--token', token];
    const runs = await Promise.all(
      cases.map(({ args, token }) =>
        runVane([...args, '--url', server.url, ...tokenArgs(token)], { input: event }),
      ),
    );
    runs.forEach((run, i) => {
      const command = cases[i]!.args[0]!;
      expect(run.code, `${command} #${i}: ${run.stderr}`).toBe(4);
      expect(run.stderr).toMatch(
        new RegExp(`^vane ${command}: the server refused the token \\(401 UNAUTHORIZED\\)`),
      );
      expect(run.stdout).toBe('');
    });
  });

  it('a valid token without the right: exit code 4, saying it is not allowed', async () => {
    const reader = await signToken({ publish: [], subscribe: ['*'] });
    const ddl = await runVane([
      'sql',
      '--url',
      server.url,
      '--token',
      reader,
      'DROP VIEW last_price',
    ]);
    expect(ddl.code).toBe(4);
    expect(ddl.stderr).toMatch(/not allowed with this token \(403 FORBIDDEN\)/);

    const publish = await runVane(['publish', 'trades', '--url', server.url, '--token', reader], {
      input: `{"symbol":"A","price":1,"qty":1,"ts":1,"trade_id":"x"}\n`,
    });
    expect(publish.code).toBe(4);
    expect(publish.stderr).toMatch(/not allowed with this token \(403\)/);
  });
});
