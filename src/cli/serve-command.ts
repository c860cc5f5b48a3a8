import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mergeMqttSettings } from '../mqtt/index.ts';
import { resolveConfig, startServer, type DeepPartial, type VaneConfig } from '../node/index.ts';
import { TRANSPORT_KINDS, type TransportKind } from '../transport/index.ts';

export const SERVE_HELP = `vane serve: run the Vane server

Usage: vane serve [options]

Options:
  --config <file>        JSON config file (fields: docs/configuration.md)
  --host <address>       interface to listen on (default 127.0.0.1)
  --port <n>             port (default 7070; 0 picks a free one)
  --transport <ws|uws>   the HTTP/WebSocket server library (default ws); uws runs on
                         uWebSockets.js, an optional package that must load here
  --data-dir <dir>       embedded store (default ./vane-data)
  --memory               keep everything in memory (nothing survives a restart)
  --init <schema.sql>    run these statements at start; existing objects are kept
  --dev                  dev mode: no auth, loopback only
  --auth-secret <s>      HS256 token secret (or VANE_AUTH_SECRET)
  --public-key <file>    RS256/ES256 public key, PEM (or VANE_PUBLIC_KEY_FILE)
  --allow-origin <o>     allowed browser origin; repeat for more ('*' for any)
  --checkpoint-interval <ms>
                         how often view state is checkpointed (default 5000); a restart
                         replays the log from the last checkpoint
  --mqtt <url>           MQTT ingest: subscribe to this broker (mqtt://host:1883); docs/mqtt.md
  --mqtt-map <filter=stream>
                         publish messages on topics matching the MQTT filter (+ and #
                         wildcards; a {field} level is a + copied into that field) into
                         the stream; repeat for more
  --log-level <level>    debug, info, warn, error or silent (default info)
  -h, --help             this help

Every option can also come from the environment: VANE_HOST, VANE_PORT, VANE_TRANSPORT,
VANE_DATA_DIR, VANE_INIT, VANE_DEV=1, VANE_AUTH_SECRET, VANE_PUBLIC_KEY_FILE,
VANE_ALLOWED_ORIGINS (comma-separated), VANE_CHECKPOINT_INTERVAL_MS, VANE_LOG_LEVEL,
VANE_MQTT_URL, VANE_MQTT_MAP (comma-separated).
Flags win over the environment, which wins over the config file.

Examples:
  vane serve --dev --init schema.sql
  VANE_AUTH_SECRET=change-me vane serve --host 0.0.0.0 --data-dir /var/lib/vane
  vane serve --dev --init schema.sql --mqtt mqtt://127.0.0.1:1883 \\
    --mqtt-map 'sensors/{device_id}/reading=readings'
`;

/** Flags, environment and config file merged over the defaults. */
export function serveConfig(argv: string[], env: NodeJS.ProcessEnv): VaneConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      transport: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      init: { type: 'string' },
      dev: { type: 'boolean' },
      'auth-secret': { type: 'string' },
      'public-key': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      'checkpoint-interval': { type: 'string' },
      mqtt: { type: 'string' },
      'mqtt-map': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const file: DeepPartial<VaneConfig> =
    values.config === undefined
      ? {}
      : (JSON.parse(readFileSync(values.config, 'utf8')) as DeepPartial<VaneConfig>);
  const fromEnv: DeepPartial<VaneConfig> = {
    host: env.VANE_HOST,
    port: env.VANE_PORT === undefined ? undefined : port(env.VANE_PORT),
    transport: env.VANE_TRANSPORT === undefined ? undefined : transport(env.VANE_TRANSPORT),
    dataDir: env.VANE_DATA_DIR,
    dev: env.VANE_DEV === undefined ? undefined : env.VANE_DEV === '1' || env.VANE_DEV === 'true',
    initSql: env.VANE_INIT === undefined ? undefined : readFileSync(env.VANE_INIT, 'utf8'),
    allowedOrigins: env.VANE_ALLOWED_ORIGINS?.split(',').map((origin) => origin.trim()),
    logLevel: env.VANE_LOG_LEVEL as VaneConfig['logLevel'] | undefined,
    checkpointIntervalMs:
      env.VANE_CHECKPOINT_INTERVAL_MS === undefined
        ? undefined
        : checkpointInterval(env.VANE_CHECKPOINT_INTERVAL_MS),
    auth: {
      hs256Secret: env.VANE_AUTH_SECRET,
      publicKeyPem:
        env.VANE_PUBLIC_KEY_FILE === undefined
          ? undefined
          : readFileSync(env.VANE_PUBLIC_KEY_FILE, 'utf8'),
    },
  };
  const fromFlags: DeepPartial<VaneConfig> = {
    host: values.host,
    port: values.port === undefined ? undefined : port(values.port),
    transport: values.transport === undefined ? undefined : transport(values.transport),
    dataDir: values.memory === true ? null : values['data-dir'],
    dev: values.dev,
    initSql: values.init === undefined ? undefined : readFileSync(values.init, 'utf8'),
    allowedOrigins: values['allow-origin'],
    logLevel: values['log-level'] as VaneConfig['logLevel'] | undefined,
    checkpointIntervalMs:
      values['checkpoint-interval'] === undefined
        ? undefined
        : checkpointInterval(values['checkpoint-interval']),
    mqtt: mergeMqttSettings(
      file.mqtt,
      values.mqtt ?? env.VANE_MQTT_URL,
      values['mqtt-map'] ??
        env.VANE_MQTT_MAP?.split(',')
          .map((mapping) => mapping.trim())
          .filter((mapping) => mapping !== ''),
    ),
    auth: {
      hs256Secret: values['auth-secret'],
      publicKeyPem:
        values['public-key'] === undefined ? undefined : readFileSync(values['public-key'], 'utf8'),
    },
  };
  return resolveConfig(file, fromEnv, fromFlags);
}

function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new Error(`'${text}' is not a port number (0 to 65535)`);
  }
  return value;
}

function transport(text: string): TransportKind {
  const kind = TRANSPORT_KINDS.find((candidate) => candidate === text);
  if (kind === undefined) {
    throw new Error(`'${text}' is not a transport (${TRANSPORT_KINDS.join(' or ')})`);
  }
  return kind;
}

function checkpointInterval(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 50 || value > 3_600_000) {
    throw new Error(`'${text}' is not a checkpoint interval in ms (50 to 3600000)`);
  }
  return value;
}

/** Runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serve(argv: string[]): Promise<void> {
  const config = serveConfig(argv, process.env);
  if (config === 'help') {
    process.stdout.write(SERVE_HELP);
    return;
  }
  const server = await startServer(config);
  if (config.dev) {
    process.stderr.write(`\n  Vane dev mode: no auth, loopback only. ${server.url}\n\n`);
  }
  const shutdown = (signal: string) => {
    server.node.logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.node.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
