/**
 * The side-by-side benchmark suite (issue 6): each scenario runs for Vane and for the peers in
 * the same run, in alternating rounds (Vane, peer A, peer B, …, then again), each server its own
 * process on 127.0.0.1 and the load in separate generator processes. Prints per scenario the
 * medians with min–max, the ratios Vane ÷ peer and the targets; `--json FILE` keeps every round.
 *
 * Run: `npm run bench` (about half an hour), `npm run bench -- --quick` (about 75 seconds),
 * `-- --only fanout --peers ws-corked,uws --rounds 5`; every option is in options.ts. Everything
 * it starts is killed by pid when it ends, fails, is interrupted or runs past its time limit.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileLimits, killAllChildren } from '../server/children.ts';
import { PEERS, VANE, type Contender } from './contenders.ts';
import { describeMachine, machineInfo } from './machine.ts';
import { readOptions, UsageError, type SuiteOptions } from './options.ts';
import { printProfile } from './profile.ts';
import { reportScenario } from './report.ts';
import { summarize, type ContenderResult, type ScenarioResult } from './results.ts';
import { engineScenario } from './scenarios/engine.ts';
import { fanoutScenario } from './scenarios/fanout.ts';
import { idleScenario } from './scenarios/idle.ts';
import { ingestScenario } from './scenarios/ingest.ts';
import { latencyScenario } from './scenarios/latency.ts';
import type { Scenario, Timing } from './scenarios/scenario.ts';

function scenariosFor(options: SuiteOptions, hardFdLimit: number): Scenario[] {
  const all = [
    ...options.subscribers.map((subscribers) => fanoutScenario(subscribers)),
    latencyScenario,
    ingestScenario,
    ...options.idle.map((connections) => idleScenario(connections, hardFdLimit)),
    engineScenario,
  ];
  const only = options.only;
  if (only === undefined) return all;
  const matches = (id: string, scenario: Scenario) =>
    scenario.id === id || scenario.id.startsWith(`${id}-`);
  const unknown = only.filter((id) => !all.some((scenario) => matches(id, scenario)));
  if (unknown.length > 0) {
    throw new UsageError(
      `--only: no scenario ${unknown.join(', ')}; scenarios: ${all.map((s) => s.id).join(', ')}`,
    );
  }
  return all.filter((scenario) => only.some((id) => matches(id, scenario)));
}

/** Vane and the requested peers that can run here; the others are printed as skipped. */
function contendersFor(options: SuiteOptions): { contenders: Contender[]; notes: string[] } {
  const notes: string[] = [];
  const contenders = [VANE];
  for (const id of options.peers) {
    const peer = PEERS.find((candidate) => candidate.id === id);
    if (peer === undefined) {
      throw new UsageError(`unknown peer ${id}; known: ${PEERS.map((p) => p.id).join(', ')}`);
    }
    const why = peer.unavailable();
    if (why === undefined) contenders.push(peer);
    else notes.push(`${id} skipped: ${why}`);
  }
  return { contenders, notes };
}

function roundLine(
  scenario: Scenario,
  contender: string,
  round: number,
  figures: Record<string, number>,
) {
  const shown = scenario.figures
    .slice(0, 4)
    .map((figure) => `${figure.label} ${figure.format(figures[figure.key] ?? NaN)}`);
  return `${scenario.id} round ${round + 1} ${contender}: ${shown.join('; ')}`;
}

async function runScenario(
  scenario: Scenario,
  selected: Contender[],
  options: SuiteOptions,
  hardFdLimit: number,
): Promise<ScenarioResult> {
  const contenders = scenario.contenders(selected);
  const results: ContenderResult[] = contenders.map((contender) => ({
    id: contender.id,
    isVane: contender.isVane,
    rounds: [],
    failures: [],
  }));
  if (scenario.serverFds > hardFdLimit) {
    const why = `needs ${scenario.serverFds} open files, ulimit -Hn is ${hardFdLimit}`;
    return summarize(scenario, results, why);
  }
  const timing: Timing = {
    warmupMs: options.warmupMs,
    measureMs: options.measureMs,
    quick: options.quick,
  };
  for (let round = 0; round < options.rounds; round++) {
    // Alternating: every contender once per round, so drifting foreign load hits all alike.
    for (const [i, contender] of contenders.entries()) {
      const profileDir =
        options.cpuProf === scenario.id && round === 0 && contender.isVane
          ? await mkdtemp(join(tmpdir(), `vane-suite-prof-${scenario.id}-`))
          : undefined;
      try {
        const result = await scenario.round(contender, { ...timing, cpuProfDir: profileDir });
        results[i]!.rounds.push(result);
        console.log(roundLine(scenario, contender.id, round, result.figures));
        for (const note of result.notes) console.log(`  ${note}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        results[i]!.failures.push(`round ${round + 1}: ${message}`);
        console.log(`${scenario.id} round ${round + 1} ${contender.id}: FAILED ${message}`);
      }
      if (profileDir !== undefined) await printProfile(profileDir);
    }
  }
  return summarize(scenario, results);
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const watchdog = setTimeout(() => {
    console.error(`the suite ran past ${options.runLimitMs / 60_000} minutes; stopping`);
    killAllChildren();
    process.exit(1);
  }, options.runLimitMs);
  watchdog.unref();

  const started = new Date();
  const limits = fileLimits();
  const machine = machineInfo();
  const { contenders, notes } = contendersFor(options);
  const scenarios = scenariosFor(options, limits.hard);
  const header = [
    `Vane side-by-side benchmark${options.quick ? ' (--quick)' : ''}, ${started.toISOString()}: ` +
      `${options.rounds} round(s) of ${options.warmupMs / 1000} s warm-up + ` +
      `${options.measureMs / 1000} s measured, alternating contenders; all on 127.0.0.1`,
    ...describeMachine(machine),
    `open files (ulimit -n): soft ${limits.soft}, hard ${limits.hard}`,
    `contenders: ${contenders.map((contender) => contender.id).join(', ')}`,
    ...notes,
  ];
  for (const line of header) console.log(line);
  console.log('');

  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    results.push(await runScenario(scenario, contenders, options, limits.hard));
  }

  console.log(`\n## Results (median of ${options.rounds} round(s), min – max)\n`);
  for (const line of header) console.log(line);
  console.log('');
  scenarios.forEach((scenario, i) => {
    for (const line of reportScenario(scenario, results[i]!)) console.log(line);
  });
  console.log(
    `finished ${new Date().toISOString()}, load average ${machineInfo().loadAverage.join(', ')}`,
  );

  if (options.json !== undefined) {
    const json = {
      started: started.toISOString(),
      finished: new Date().toISOString(),
      options,
      machine,
      limits,
      notes,
      scenarios: results,
    };
    await writeFile(options.json, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`raw results: ${options.json}`);
  }
}

process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    killAllChildren();
    if (error instanceof UsageError) {
      console.error(`npm run bench: ${error.message} (options: bench/suite/options.ts)`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
