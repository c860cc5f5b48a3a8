/**
 * A child process for lmdb-crash.test.ts: `node --import tsx crash-writer.fixture.ts <dataDir>
 * <kill|fill>`. It appends batches (`crashBatch(id)`) as fast as it can, 64 in flight, and prints
 * `ack <offset> <id>` for each acknowledged one, plus `meta <n>` for each durable metadata put.
 * - kill: runs until the test kills it.
 * - fill: runs under `ulimit -f` until a write fails, then prints how that append and the ones
 *   after it were refused (`failed|rejected|refused <id> <code>`) and exits.
 * Lines are written synchronously (stdout is a pipe), so a printed ack was durable before it.
 */
import { openLmdbStorage } from './lmdb.ts';
import { crashBatch } from './crash-batch.fixture.ts';

const [dataDir, mode] = process.argv.slice(2);
if (dataDir === undefined || (mode !== 'kill' && mode !== 'fill')) {
  throw new Error('usage: crash-writer.fixture.ts <dataDir> <kill|fill>');
}
// Over the file size limit, write() fails with EFBIG instead of the process being killed.
if (mode === 'fill') process.on('SIGXFSZ', () => {});

const storage = await openLmdbStorage(dataDir);
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const codeOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : String(error);

/** Far more than fits under the test's file size limit; stops a writer whose writes never fail. */
const FILL_LIMIT = 5_000;

let nextId = 1;
let failed = false;

async function writer(): Promise<void> {
  while (!failed && !(mode === 'fill' && nextId > FILL_LIMIT)) {
    const id = nextId++;
    const batch = crashBatch(id, mode === 'kill' ? 'small' : 'large');
    try {
      const offset = await storage.log.append(batch.stream, batch.events, batch.arrivalMs);
      say(`ack ${offset} ${id}`);
    } catch (error) {
      say(`${failed ? 'rejected' : 'failed'} ${id} ${codeOf(error)}`);
      failed = true;
    }
  }
}

async function metadataWriter(): Promise<void> {
  for (let n = 1; !failed && !(mode === 'fill' && nextId > FILL_LIMIT); n++) {
    try {
      await storage.metadata.put('crash/counter', n);
      say(`meta ${n}`);
    } catch {
      return;
    }
  }
}

say('ready');
await Promise.all([...Array.from({ length: 64 }, writer), metadataWriter()]);
try {
  await storage.log.append('s', [{ id: 'after' }], 0);
  say('refused none');
} catch (error) {
  say(`refused ${nextId} ${codeOf(error)}`);
}
await storage.close();
say('closed');
