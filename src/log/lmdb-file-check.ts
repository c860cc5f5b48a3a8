import { open as openFile } from 'node:fs/promises';
import { VaneError, errorMessage, hasErrorCode } from '../util/index.ts';

const LMDB_MAGIC = 0xbeefc0de;
/** Where the meta record starts: after the page header, 24 bytes in lmdb-js's build, 16 in stock LMDB. */
const META_STARTS = [24, 16];
/**
 * Fields of an MDB_meta, from its magic number (64-bit builds): the free-page database's md_pad
 * holds the page size, then mm_last_pg (the last page in use) and mm_txnid.
 */
const PAGE_SIZE_AT = 24;
const LAST_PAGE_AT = 120;
const TXNID_AT = 128;
const META_BYTES = TXNID_AT + 8;

interface Meta {
  pageSize: number;
  lastPage: number;
  txnid: bigint;
}

/**
 * Refuses a data file that lmdb would crash the process on rather than report: lmdb trusts the
 * file, so it dies with SIGSEGV on a file that is not an LMDB environment and with SIGBUS on one
 * cut short (a half-written copy, a full disk) when it touches a page past the end. Checked here:
 * an existing, non-empty file starts with LMDB's meta page, and is at least as long as the newer
 * of its two meta pages says the database is. Damage inside the pages is beyond this check (lmdb
 * reports most of it as MDB_PAGE_NOTFOUND or MDB_CORRUPTED).
 */
export async function checkLmdbFile(path: string): Promise<void> {
  try {
    await check(path);
  } catch (error) {
    if (error instanceof VaneError) throw error;
    if (hasErrorCode(error, 'ENOENT')) return;
    throw new VaneError('STORAGE_ERROR', `cannot open ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

async function check(path: string): Promise<void> {
  const file = await openFile(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) return;
    const first = await readAt(file, 0, 256);
    const metaStart = META_STARTS.find(
      (at) => first.length >= at + 4 && first.readUInt32LE(at) === LMDB_MAGIC,
    );
    if (metaStart === undefined) {
      throw new VaneError('CORRUPT_STATE', `${path} is not an LMDB file (a Vane data file)`);
    }
    const metas = [metaAt(first, metaStart)];
    const pageSize = metas[0]?.pageSize;
    if (pageSize !== undefined) {
      const second = metaAt(await readAt(file, pageSize, metaStart + META_BYTES), metaStart);
      if (second !== undefined) metas.push(second);
    }
    const current = metas
      .filter((meta): meta is Meta => meta !== undefined)
      .reduce<Meta | undefined>(
        (best, meta) => (best === undefined || meta.txnid > best.txnid ? meta : best),
        undefined,
      );
    if (current === undefined) return;
    const needed = (current.lastPage + 1) * current.pageSize;
    if (size < needed) {
      throw new VaneError(
        'CORRUPT_STATE',
        `${path} is cut short: ${size} bytes, but its last transaction (${current.txnid}) uses ` +
          `${needed} (pages 0-${current.lastPage} of ${current.pageSize} bytes); it was not ` +
          'copied or written completely. Restore it from a backup, or move the data directory ' +
          'aside to start empty',
      );
    }
  } finally {
    await file.close();
  }
}

/** The meta record at `start` of a page read into `page`, or undefined when it is not one. */
function metaAt(page: Buffer, start: number): Meta | undefined {
  if (page.length < start + META_BYTES || page.readUInt32LE(start) !== LMDB_MAGIC) return undefined;
  const pageSize = page.readUInt32LE(start + PAGE_SIZE_AT);
  const lastPage = page.readBigUInt64LE(start + LAST_PAGE_AT);
  // A page size LMDB would not use, or a page count no file holds: not a meta record to go by.
  if (pageSize < 512 || pageSize > 65_536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  if (lastPage > BigInt(Number.MAX_SAFE_INTEGER) / BigInt(pageSize)) return undefined;
  return {
    pageSize,
    lastPage: Number(lastPage),
    txnid: page.readBigUInt64LE(start + TXNID_AT),
  };
}

async function readAt(
  file: Awaited<ReturnType<typeof openFile>>,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
