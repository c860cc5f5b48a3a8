import { VaneError } from '../util/index.ts';
import { serve, SERVE_HELP } from './serve-command.ts';

const HELP = `vane: the real-time analytics server

Usage: vane <command> [options]

Commands:
  serve      run the server (vane serve --help)

More commands (demo, sql, publish, tail, types, bench) arrive with later releases.
`;

/** The `vane` command: exit code 0 on success, 1 on a runtime error, 2 on bad usage. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(rest);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return;
    default:
      process.stderr.write(`vane: unknown command '${command}'\n\n${HELP}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof VaneError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`vane: ${message}\n`);
  if (error instanceof TypeError && /parseArgs|option/i.test(message))
    process.stderr.write(`\n${SERVE_HELP}`);
  process.exitCode = error instanceof VaneError && error.code === 'INVALID_OPTION' ? 2 : 1;
});
