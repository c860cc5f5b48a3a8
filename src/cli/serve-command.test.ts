import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveConfig } from './serve-command.ts';

describe('vane serve configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vane-cli-'));
  const file = join(dir, 'vane.json');
  writeFileSync(
    file,
    JSON.stringify({ port: 7001, host: '127.0.0.2', limits: { maxBatchEvents: 5 } }),
  );
  const schema = join(dir, 'schema.sql');
  writeFileSync(schema, 'CREATE STREAM s (a STRING);');

  it('uses the defaults when nothing is given', () => {
    const config = serveConfig([], {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7070,
      dataDir: './vane-data',
      dev: false,
    });
  });

  it('lets flags win over the environment, and the environment over the file', () => {
    const config = serveConfig(['--config', file, '--port', '7003'], {
      VANE_PORT: '7002',
      VANE_HOST: '127.0.0.3',
      VANE_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
    });
    if (config === 'help') throw new Error('unexpected help');
    expect(config.port).toBe(7003);
    expect(config.host).toBe('127.0.0.3');
    expect(config.limits.maxBatchEvents).toBe(5);
    expect(config.limits.maxPayloadBytes).toBe(262_144);
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('reads --init, --memory, --dev and the auth secret', () => {
    const config = serveConfig(['--init', schema, '--memory', '--dev'], {
      VANE_AUTH_SECRET: 's3cret',
    });
    if (config === 'help') throw new Error('unexpected help');
    expect(config.initSql).toBe('CREATE STREAM s (a STRING);');
    expect(config.dataDir).toBeNull();
    expect(config.dev).toBe(true);
    expect(config.auth.hs256Secret).toBe('s3cret');
  });

  it('reads the transport from a flag, the environment or the file, and refuses an unknown one', () => {
    expect(serveConfig([], {})).toMatchObject({ transport: 'ws' });
    expect(serveConfig([], { VANE_TRANSPORT: 'uws' })).toMatchObject({ transport: 'uws' });
    expect(serveConfig(['--transport', 'ws'], { VANE_TRANSPORT: 'uws' })).toMatchObject({
      transport: 'ws',
    });
    const uwsFile = join(dir, 'uws.json');
    writeFileSync(uwsFile, JSON.stringify({ transport: 'uws' }));
    expect(serveConfig(['--config', uwsFile], {})).toMatchObject({ transport: 'uws' });
    expect(() => serveConfig(['--transport', 'h2'], {})).toThrow(/'h2' is not a transport/);
    expect(() => serveConfig([], { VANE_TRANSPORT: 'UWS' })).toThrow(/not a transport/);
  });

  it('refuses a port that is not one and an unknown flag', () => {
    expect(() => serveConfig(['--port', '70000'], {})).toThrow(/not a port number/);
    expect(() => serveConfig(['--prot', '1'], {})).toThrow(/--prot/);
  });

  it('reads the checkpoint interval from a flag or the environment, and refuses a bad one', () => {
    const fromEnv = serveConfig([], { VANE_CHECKPOINT_INTERVAL_MS: '750' });
    const fromFlag = serveConfig(['--checkpoint-interval', '250'], {
      VANE_CHECKPOINT_INTERVAL_MS: '750',
    });
    if (fromEnv === 'help' || fromFlag === 'help') throw new Error('unexpected help');
    expect(fromEnv.checkpointIntervalMs).toBe(750);
    expect(fromFlag.checkpointIntervalMs).toBe(250);
    expect(() => serveConfig(['--checkpoint-interval', '5'], {})).toThrow(/checkpoint interval/);
    expect(() => serveConfig(['--checkpoint-interval', 'soon'], {})).toThrow(/checkpoint interval/);
  });

  it('answers --help', () => {
    expect(serveConfig(['--help'], {})).toBe('help');
  });
});
