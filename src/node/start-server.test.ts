import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportKind } from '../transport/index.ts';
import { resolveConfig } from './config.ts';
import { startServer } from './create-server.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('startServer', () => {
  it('refuses an unknown transport before it opens the store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vane-start-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const config = resolveConfig({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      logLevel: 'silent',
      transport: 'h2' as TransportKind,
    });
    await expect(startServer(config)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining("unknown transport 'h2'") as unknown,
    });
    expect(existsSync(dataDir)).toBe(false);
  });
});
