/** The machine and software a run measured, printed at the top and kept in the JSON. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PACKAGES = [
  'ws',
  'socket.io',
  'socket.io-client',
  '@trufflesuite/uws-js-unofficial',
  'msgpackr',
  'lmdb',
];

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  loadAverage: number[];
  vane: string;
  commit: string;
  packages: Record<string, string>;
}

/** A package's installed version, read from its package.json (some `exports` hide it). */
function installedVersion(name: string): string {
  return versionIn(`${ROOT}node_modules/${name}/package.json`);
}

function versionIn(packageJson: string): string {
  try {
    const text = readFileSync(packageJson, 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    vane: versionIn(`${ROOT}package.json`),
    commit: commit(),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}

export function describeMachine(info: MachineInfo): string[] {
  return [
    `machine: ${info.cores} × ${info.cpu}, ${info.memoryGiB} GiB, Node ${info.node}, ` +
      `load average ${info.loadAverage.join(', ')}`,
    `software: vane ${info.vane} (${info.commit}); ` +
      Object.entries(info.packages)
        .map(([name, version]) => `${name} ${version}`)
        .join(', '),
  ];
}
