import { createRequire } from 'node:module';
import type * as Uws from '@trufflesuite/uws-js-unofficial';
import { VaneError } from '../util/index.ts';

/** uWebSockets.js as its package exports it. */
export type UwsModule = typeof Uws;

/** The npm package of uWebSockets.js that `--transport uws` runs on (an optional dependency). */
export const UWS_PACKAGE = '@trufflesuite/uws-js-unofficial';

/**
 * Loads uWebSockets.js, at the moment `--transport uws` is chosen and not before: a server on the
 * default transport never loads its native binary, and runs where there is none.
 *
 * Fails with INVALID_OPTION, naming the package and what to do, when the package is not
 * installed or its native binary does not load on this platform and Node.js version. The package
 * then falls back to a JavaScript emulation on top of `ws` (with a warning on stderr); that is
 * refused too, since it would be a slower copy of `--transport ws`. `require` is for tests.
 */
export function loadUws(
  require: (id: string) => unknown = createRequire(import.meta.url),
): UwsModule {
  let loaded: unknown;
  try {
    loaded = require(UWS_PACKAGE);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new VaneError(
      'INVALID_OPTION',
      `--transport uws needs the package ${UWS_PACKAGE}, which does not load here (${reason}); ` +
        `install it with \`npm install ${UWS_PACKAGE}\` (it is an optional dependency of vane), ` +
        'or use --transport ws',
      { cause: error },
    );
  }
  const candidate = loaded as Partial<UwsModule>;
  if (typeof candidate.App !== 'function' || typeof candidate.DISABLED !== 'number') {
    throw new VaneError(
      'INVALID_OPTION',
      `--transport uws: the native binary of ${UWS_PACKAGE} does not load for Node.js ` +
        `${process.version} on ${process.platform}-${process.arch} (the package fell back to ` +
        `its JavaScript emulation); reinstall it with \`npm install ${UWS_PACKAGE}\` on a ` +
        'supported Node.js version, or use --transport ws',
    );
  }
  return candidate as UwsModule;
}
