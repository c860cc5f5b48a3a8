import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DamagedLogError,
  LMDB_FILE_NAME,
  openLmdbStorage,
  type LmdbStorage,
} from '../log/index.ts';
import { VaneError, errorMessage } from '../util/index.ts';
import { readStoredCatalog } from './catalog-journal.ts';
import { CheckpointStore, type CheckpointKind } from './checkpoint-store.ts';
import type { Failpoint } from './failpoints.ts';

/** One thing found wrong, named as an operator would look for it. */
export interface DataProblem {
  /** What is damaged: `data file`, `catalog`, `checkpoint view <name>`, `log batches N-M`. */
  where: string;
  message: string;
}

export interface DataCheckReport {
  dataDir: string;
  fileBytes: number;
  /** Streams and views the catalog names; null when it could not be read. */
  catalogEntries: number | null;
  checkpoints: number;
  firstOffset: number;
  lastOffset: number;
  /** Batches read intact, and their events. */
  batches: number;
  events: number;
  /** Damaged batches (each counted once, whatever its range). */
  damagedBatches: number;
  /** At most `MAX_PROBLEMS`; `problemsOmitted` counts the rest. */
  problems: DataProblem[];
  problemsOmitted: number;
}

/**
 * Hears how far the check got: the report so far and the last offset read, before the log scan
 * and after every slice of it (a reader that dies keeps what it had found).
 */
export type DataCheckProgress = (report: Readonly<DataCheckReport>, checkedThrough: number) => void;

const MAX_PROBLEMS = 50;
/** Batches read between progress reports and event-loop turns. */
const SLICE_BATCHES = 2_000;

/**
 * Reads everything a data directory holds and checks it as recovery would, without starting a
 * server: the lmdb file's shape, the catalog, every checkpoint, and every logged batch (checksums,
 * no offsets missing). Unlike recovery it does not stop at the first damage: it reports each
 * damaged range of the log and goes on after it. The directory must not be in use by a server
 * (lmdb allows a second process, but the scan would then race its writes and retention).
 *
 * What it cannot report: damage that makes lmdb itself read out of bounds kills the process that
 * reads (SIGSEGV); `vane check` runs this in a child process to tell that case apart.
 */
export async function checkDataDir(
  dataDir: string,
  progress: DataCheckProgress = () => {},
  failpoint: Failpoint = () => {},
): Promise<DataCheckReport> {
  const report: DataCheckReport = {
    dataDir,
    fileBytes: 0,
    catalogEntries: null,
    checkpoints: 0,
    firstOffset: 0,
    lastOffset: 0,
    batches: 0,
    events: 0,
    damagedBatches: 0,
    problems: [],
    problemsOmitted: 0,
  };
  const problem = (where: string, error: unknown): void => {
    if (report.problems.length >= MAX_PROBLEMS) report.problemsOmitted++;
    else report.problems.push({ where, message: errorMessage(error) });
  };
  const path = join(dataDir, LMDB_FILE_NAME);
  try {
    report.fileBytes = (await stat(path)).size;
  } catch (error) {
    throw new VaneError('INVALID_ARGUMENT', `${path} does not exist: not a Vane data directory`, {
      cause: error,
    });
  }
  let storage: LmdbStorage;
  try {
    storage = await openLmdbStorage(dataDir);
  } catch (error) {
    problem('data file', error);
    return report;
  }
  try {
    try {
      report.catalogEntries = readStoredCatalog(storage.metadata).length;
    } catch (error) {
      problem('catalog', error);
    }
    const checkpoints = new CheckpointStore(storage.metadata);
    for (const kind of ['stream', 'view'] as const satisfies readonly CheckpointKind[]) {
      for (const name of checkpoints.names(kind)) {
        try {
          checkpoints.get(kind, name);
          report.checkpoints++;
        } catch (error) {
          problem(`checkpoint ${kind} ${name}`, error);
        }
      }
    }
    await scanLog(storage, report, problem, progress, failpoint);
  } finally {
    await storage.close();
  }
  return report;
}

async function scanLog(
  storage: LmdbStorage,
  report: DataCheckReport,
  problem: (where: string, error: unknown) => void,
  progress: DataCheckProgress,
  failpoint: Failpoint,
): Promise<void> {
  const { log } = storage;
  report.firstOffset = log.firstOffset;
  report.lastOffset = log.lastOffset;
  let next = log.firstOffset;
  // Reported before the first slice too: a reader that dies knows it had reached the log.
  progress(report, Math.max(next - 1, 0));
  while (next !== 0 && next <= log.lastOffset) {
    let read = 0;
    try {
      for (const entry of log.read(next)) {
        report.batches++;
        report.events += entry.events.length;
        next = entry.offset + 1;
        if (++read === SLICE_BATCHES) break;
      }
      if (read === 0) break;
    } catch (error) {
      if (!(error instanceof DamagedLogError)) throw error;
      const range = error.from === error.to ? `${error.from}` : `${error.from}-${error.to}`;
      problem(`log batches ${range}`, error);
      report.damagedBatches += error.to - error.from + 1;
      next = error.to + 1;
    }
    progress(report, next - 1);
    failpoint('check.log-slice');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
