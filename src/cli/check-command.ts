import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { checkDataDir, failpointsFromEnv, type DataCheckReport } from '../node/index.ts';
import { errorMessage } from '../util/index.ts';
import { usageError } from './cli-options.ts';
import { ExitCode } from './exit-codes.ts';

export const CHECK_HELP = `vane check: verify a data directory without starting a server

Usage: vane check [options]

Reads everything a server's recovery reads: the data file, the catalog, every checkpoint and
every logged batch (checksums, no batch missing), and lists what is damaged, reading on past
each damaged part. Run it with the server stopped: on a server that refuses to start or keeps
dying while it starts, or on a copy of a data directory before restoring it.

The reading runs in a child process: some damage to the file's page structure makes the storage
library read out of bounds and die, and that is reported too, with how far the reading got.

Options:
  --data-dir <dir>       the data directory (default ./vane-data, or VANE_DATA_DIR)
  --json                 print the report as one JSON object
  -h, --help             this help

Exit codes: 0 intact, 1 other failure, 2 bad usage, 7 damaged

Examples:
  vane check --data-dir /var/lib/vane
  vane check --data-dir ./vane-data --json | jq .problems
`;

/**
 * What the reading child prints, one JSON object a line: the report so far with how far it read
 * (`done` on the last line).
 */
interface ChildLine {
  report: DataCheckReport;
  through: number;
  done: boolean;
}

/** `vane check`. */
export async function check(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      // Internal: this process is the reading child.
      'reading-child': { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(CHECK_HELP);
    return;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0]}'`);
  const dataDir = values['data-dir'] ?? process.env.VANE_DATA_DIR ?? './vane-data';
  if (values['reading-child'] === true) {
    await readAsChild(dataDir);
    return;
  }
  const progress = process.stderr.isTTY ? drawProgress : () => {};
  const outcome = await readInChild(dataDir, progress);
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  if ('failure' in outcome) {
    process.stderr.write(`vane check: ${outcome.failure}\n`);
    process.exitCode = outcome.damaged === true ? ExitCode.damaged : ExitCode.failure;
    return;
  }
  const { report, crash } = outcome;
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ ...report, crash: crash ?? null })}\n`);
  } else {
    process.stdout.write(describe(report, crash));
  }
  process.exitCode =
    crash !== undefined || report.problems.length > 0 ? ExitCode.damaged : ExitCode.ok;
}

/** The child: checks and prints the report so far after each step, as JSON lines on stdout. */
async function readAsChild(dataDir: string): Promise<void> {
  const print = (line: ChildLine): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
  try {
    const report = await checkDataDir(
      dataDir,
      (report, through) => print({ report, through, done: false }),
      failpointsFromEnv(),
    );
    print({ report, through: report.lastOffset, done: true });
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    process.exitCode = ExitCode.failure;
  }
}

type Outcome =
  | { report: DataCheckReport; crash?: string }
  | {
      failure: string;
      /** The failure is damage (the reader died before it had a report to send). */
      damaged?: boolean;
    };

/**
 * Runs the check in a child process (this same program, `--reading-child`). A child that dies
 * by a signal is reported as a crash of the reading, with the report it had sent by then.
 */
function readInChild(
  dataDir: string,
  progress: (through: number, last: number) => void,
): Promise<Outcome> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1]!, 'check', '--reading-child', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let last: ChildLine | undefined;
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) {
      try {
        last = JSON.parse(text) as ChildLine;
      } catch {
        continue; // not the reader's (a runtime warning)
      }
      progress(last.through, last.report.lastOffset);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ failure: `cannot start the reader: ${error.message}` }));
    child.on('close', (code, signal) => {
      if (last?.done === true && code === 0) {
        resolve({ report: last.report });
      } else if (signal !== null && last !== undefined) {
        const { report, through } = last;
        resolve({
          report,
          crash:
            `reading the data file killed the reader (${signal}) after batch ${through} of ` +
            `${report.lastOffset}: its page structure is damaged in a way the storage library ` +
            'cannot report',
        });
      } else if (signal !== null) {
        resolve({
          failure:
            `reading the data file killed the reader (${signal}) before it reached the log: ` +
            'the file is damaged in a way the storage library cannot report',
          damaged: true,
        });
      } else {
        resolve({ failure: stderr.trim() || `the reader exited with code ${code}` });
      }
    });
  });
}

function drawProgress(through: number, last: number): void {
  const percent = last === 0 ? 100 : Math.floor((through / last) * 100);
  process.stderr.write(`\r\x1b[Kreading the log: ${percent}% (batch ${through} of ${last})`);
}

function describe(report: DataCheckReport, crash: string | undefined): string {
  const lines = [
    `vane check: ${report.dataDir}`,
    `  data file   ${(report.fileBytes / 1024 / 1024).toFixed(1)} MiB`,
    `  catalog     ${report.catalogEntries === null ? 'unreadable' : `${report.catalogEntries} streams and views`}`,
    `  checkpoints ${report.checkpoints} intact`,
    `  log         ${report.batches} batches intact (${report.events} events), offsets ${report.firstOffset}-${report.lastOffset}` +
      (report.damagedBatches > 0 ? `, ${report.damagedBatches} damaged` : ''),
  ];
  const problems = report.problems.map((problem) => `  ${problem.where}: ${problem.message}`);
  if (report.problemsOmitted > 0) problems.push(`  … and ${report.problemsOmitted} more`);
  if (crash !== undefined) problems.push(`  ${crash}`);
  if (problems.length === 0) {
    lines.push('intact: no damage found');
  } else {
    lines.push(`DAMAGED (${problems.length}):`, ...problems);
    lines.push(
      'A server refuses to start on this directory (or dies reading it). Restore it from a copy,',
      'or move it away to start empty. docs/recovery.md says what each kind of damage means.',
    );
  }
  return `${lines.join('\n')}\n`;
}
