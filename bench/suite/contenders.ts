/**
 * The servers compared, each run as its own process on 127.0.0.1: Vane (`bin/vane.js serve`) and
 * the peers (peers/*.ts). A contender starts a server for a scenario's schema and says which load
 * generator speaks to it (Socket.IO needs its own client; the others speak Vane's protocol).
 */
import { fileURLToPath } from 'node:url';
import { loadUws } from '../../src/transport/index.ts';
import type { ProcStats } from '../server/children.ts';
import { ServerProcess } from '../server/server-process.ts';
import { PeerProcess, type PeerName } from './peer-process.ts';

/** A running server under test. */
export interface RunningServer {
  url: string;
  pid: number;
  stats(): ProcStats;
  stop(): Promise<void>;
}

export interface ServerSetup {
  /** Vane's schema (`--init`); the peers hard-code the same views (peers/aggregate.ts). */
  initSql: string;
  /** Vane: `--memory` instead of an lmdb data dir. */
  memory: boolean;
  /** Open files the server needs. */
  fds: number;
  /** Vane's per-address connection limit, lifted for the benchmark's connections. */
  connectionsPerIp: number;
  /** Vane only: a V8 CPU profile of the server goes into this directory when it stops. */
  cpuProfDir?: string;
}

export interface Contender {
  id: string;
  /** Is Vane (the numerator of every ratio). */
  isVane: boolean;
  /** The load generator script; undefined: bench/server/generator.ts (raw ws, Vane's protocol). */
  generator?: string;
  /** Why it cannot run here (printed and skipped), or undefined. */
  unavailable(): string | undefined;
  start(setup: ServerSetup): Promise<RunningServer>;
}

const SOCKETIO_GENERATOR = fileURLToPath(new URL('./socketio-generator.ts', import.meta.url));

function vane(id: string, extraArgs: string[], memory?: boolean): Contender {
  return {
    id,
    isVane: true,
    unavailable: () => undefined,
    start: (setup) => ServerProcess.start({ ...setup, memory: memory ?? setup.memory, extraArgs }),
  };
}

function peer(name: PeerName, unavailable: () => string | undefined = () => undefined): Contender {
  return {
    id: name,
    isVane: false,
    generator: name === 'socketio' ? SOCKETIO_GENERATOR : undefined,
    unavailable,
    start: (setup) => PeerProcess.start(name, setup.fds),
  };
}

/** Why uWebSockets.js cannot run here (missing, or only its JavaScript emulation), if so. */
function uwsMissing(): string | undefined {
  try {
    loadUws();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export const VANE = vane('vane', []);

/** Vane without its durable log, for the like-for-like ingest line (the peers keep no log). */
export const VANE_MEMORY = vane('vane --memory', [], true);

/** The selected contenders with `vane --memory` right after Vane (a like-for-like line). */
export function withVaneMemory(selected: Contender[]): Contender[] {
  const vaneAt = selected.findIndex((contender) => contender.id === 'vane');
  if (vaneAt < 0) return selected;
  return [...selected.slice(0, vaneAt + 1), VANE_MEMORY, ...selected.slice(vaneAt + 1)];
}

/**
 * Vane on uWebSockets.js (`vane serve --transport uws`), selected with `--peers vane-uws`. It runs
 * as a peer: the ratios keep the default transport (`vane`) as their numerator, and this line's
 * own figures stand beside the other peers' (vane-uws ÷ uws is read off the medians).
 */
export const VANE_UWS: Contender = {
  ...vane('vane-uws', ['--transport', 'uws']),
  isVane: false,
  unavailable: uwsMissing,
};

export const PEERS: Contender[] = [
  peer('ws-corked'),
  peer('ws-naive'),
  peer('socketio'),
  peer('uws', uwsMissing),
  VANE_UWS,
];

/** The peers run by default (vane-uws only on request). */
export const DEFAULT_PEERS = ['ws-corked', 'ws-naive', 'socketio', 'uws'];
