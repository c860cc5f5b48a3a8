/**
 * Child processes of the server benchmark: spawned with a raised open-file limit (`ulimit -n` is
 * per process and 10,000 sockets need 10,000 descriptors), remembered by pid, and killed by pid
 * when the benchmark ends, fails or is interrupted.
 */
import { execFileSync, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Remembers a temporary directory to remove if the benchmark is interrupted. */
export function trackTempDir(dir: string): void {
  tempDirs.add(dir);
}

export function untrackTempDir(dir: string): void {
  tempDirs.delete(dir);
}

export interface FileLimits {
  soft: number;
  hard: number;
}

/** The shell's open-file limits, which children inherit (`unlimited` as Infinity). */
export function fileLimits(): FileLimits {
  const read = (flag: string): number => {
    const text = execFileSync('/bin/sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Infinity : Number(text);
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}

/** Clock ticks per second of /proc/<pid>/stat times. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * Spawns `node <args>` with its soft open-file limit raised to `fds` (capped by the hard limit).
 * The shell execs node, so the pid is node's.
 */
export function spawnNode(
  args: string[],
  fds: number,
  stdio: StdioOptions,
  serialization?: 'advanced',
): ChildProcess {
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'ulimit -n "$1" 2>/dev/null; shift; exec "$@"',
      'sh',
      String(fds),
      process.execPath,
      ...args,
    ],
    { stdio, serialization },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves when `child` has exited; SIGKILLs it after `graceMs` (it was sent `signal` first). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals | null, graceMs: number) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => killPid(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (signal !== null) killPid(child, signal);
  });
}

function killPid(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Kills every child still running (by pid) and removes the temporary directories still tracked;
 * synchronous, so it also works from an exit handler.
 */
export function killAllChildren(): void {
  for (const child of children) killPid(child, 'SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

export interface ProcStats {
  /** User + system CPU seconds of the process, all threads. */
  cpuSeconds: number;
  /** The system (kernel) part of cpuSeconds: syscalls, including loopback TCP. */
  systemSeconds: number;
  rssBytes: number;
  /** Peak RSS over the process's life. */
  peakRssBytes: number;
}

/** CPU and memory of a running process from /proc (Linux). */
export function procStats(pid: number): ProcStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const systemSeconds = Number(fields[12]) / CLOCK_TICKS;
  const cpuSeconds = Number(fields[11]) / CLOCK_TICKS + systemSeconds;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match === null ? NaN : Number(match[1]) * 1024;
  };
  return { cpuSeconds, systemSeconds, rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

/** Busy CPU seconds of the whole machine (every process, /proc/stat), to see foreign load. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu  user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq!) / CLOCK_TICKS;
}
