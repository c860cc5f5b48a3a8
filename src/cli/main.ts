import { VaneError } from '../util/index.ts';

const HELP = `vane: the real-time analytics server

Usage: vane <command> [options]

Commands:
  demo       a dev-mode server with live demo data and views (vane demo --help)
  serve      run the server (vane serve --help)
  sql        run SQL statements against a server (vane sql --help)
  publish    send events from NDJSON or CSV (vane publish --help)
  tail       watch a view or stream live in the terminal (vane tail --help)
  types      TypeScript types for a server's streams and views (vane types --help)
  check      verify a data directory without starting a server (vane check --help)

Every command takes --help and prints examples.

Examples:
  vane demo                                    live demo data at http://127.0.0.1:7070/
  vane serve --dev --init schema.sql           a dev server with your streams and views
  vane publish trades trades.ndjson            send events from a file
  vane tail last_price --where symbol=AAPL     watch a view change live
  vane sql "SHOW VIEWS"                        ask a server what it has
`;

type Command = (argv: string[]) => Promise<void>;

/** Each command is imported when it runs, so `vane serve` does not load the others. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve-command.ts')).serve,
  demo: async () => (await import('./demo-command.ts')).demo,
  sql: async () => (await import('./sql-command.ts')).sql,
  publish: async () => (await import('./publish-command.ts')).publish,
  tail: async () => (await import('./tail-command.ts')).tail,
  types: async () => (await import('./types-command.ts')).types,
  check: async () => (await import('./check-command.ts')).check,
};

/** The `vane` command: exit code 0 on success, 1 on a runtime error, 2 on bad usage. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return;
  }
  const load = COMMANDS[command];
  if (load === undefined) {
    process.stderr.write(`vane: unknown command '${command}'\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  await (
    await load()
  )(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof VaneError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`vane: ${message}\n`);
  if (isUsageError(error)) {
    process.stderr.write(`Run 'vane ${process.argv[2] ?? ''} --help' for usage.\n`);
    process.exitCode = 2;
  } else {
    process.exitCode = 1;
  }
});

/** Bad flags (node:util parseArgs) or an option a command refused: exit code 2. */
function isUsageError(error: unknown): boolean {
  if (error instanceof VaneError) return error.code === 'INVALID_OPTION';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
