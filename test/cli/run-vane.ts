/**
 * Runs `node bin/vane.js …` from the sources (VANE_FROM_SOURCE=1) as a child process, so the tests
 * see the real exit codes and output. Asynchronous on purpose: the server under test runs in this
 * process and must keep answering while the child runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface VaneRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  /** Leaves stdin open for the test to write to (and end); `input` is then ignored. */
  openStdin?: boolean;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Env of a child: no VANE_URL/VANE_TOKEN from the outside, sources instead of the bundle. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VANE_FROM_SOURCE: '1', NO_COLOR: '1' };
  delete env.VANE_URL;
  delete env.VANE_TOKEN;
  return { ...env, ...extra };
}

export function startVane(args: readonly string[], options: RunOptions = {}): ChildProcess {
  const child = spawn(process.execPath, ['bin/vane.js', ...args], {
    cwd: ROOT,
    env: childEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (options.openStdin !== true) child.stdin?.end(options.input ?? '');
  return child;
}

export function runVane(args: readonly string[], options: RunOptions = {}): Promise<VaneRun> {
  const child = startVane(args, options);
  return collect(child, options.timeoutMs ?? 20_000);
}

/** Waits for the child to exit; kills it after `timeoutMs`. */
export function collect(child: ChildProcess, timeoutMs = 20_000): Promise<VaneRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vane did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves with the child's stdout so far once `predicate` holds for it. */
export function waitForOutput(
  child: ChildProcess,
  predicate: (stdout: string) => boolean,
  timeoutMs = 15_000,
): Promise<string> {
  let seen = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer | string) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no matching output within ${timeoutMs} ms:\n${seen}\n${errors}`)),
      timeoutMs,
    );
    const check = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      if (!predicate(seen)) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve(seen);
    };
    child.stdout?.on('data', check);
  });
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
