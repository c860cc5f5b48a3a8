/**
 * The side-by-side benchmark suite (bench/suite/) in its smallest configuration: fan-out to 50
 * subscribers, Vane against ws-corked, one round of 2 s, through `npm run bench`'s entry point in a
 * child process. Checks the run finishes by itself and its JSON holds positive figures; the
 * figures themselves are not judged (a shared machine makes them noise at this size).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../bench/suite/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vane-bench-suite-test-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SuiteJson {
  scenarios: {
    id: string;
    contenders: { id: string; rounds: { figures: Record<string, number> }[]; failures: string[] }[];
    ratios: Record<string, Record<string, number>>;
  }[];
  machine: { cores: number; node: string };
}

it('runs fan-out for Vane (lmdb and --memory) and ws-corked and writes positive figures', async () => {
  const json = join(dir, 'results.json');
  const args = ['--import', 'tsx', MAIN, '--only', 'fanout', '--subscribers', '50'];
  args.push('--peers', 'ws-corked', '--rounds', '1', '--warmup', '0.5', '--seconds', '2');
  args.push('--json', json);
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 50_000 }, (error, stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`${error.message}\n${stdout}\n${stderr}`)),
    );
  });
  const results = JSON.parse(readFileSync(json, 'utf8')) as SuiteJson;
  expect(results.machine.cores).toBeGreaterThan(0);
  expect(results.scenarios.map((scenario) => scenario.id)).toEqual(['fanout-50']);
  const [fanout] = results.scenarios;
  expect(fanout!.contenders.map((contender) => contender.id)).toEqual([
    'vane',
    'vane --memory',
    'ws-corked',
  ]);
  for (const contender of fanout!.contenders) {
    expect(contender.failures).toEqual([]);
    const figures = contender.rounds[0]!.figures;
    expect(figures.rowsPerSecond).toBeGreaterThan(0);
    expect(figures.framesPerSecond).toBeGreaterThan(0);
    expect(figures.p99).toBeGreaterThan(0);
  }
  expect(fanout!.ratios['ws-corked']!.rowsPerSecond).toBeGreaterThan(0);
});
