import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the use cases' SQL lives, relative to the package root. */
const SQL_DIR = join('src', 'demo', 'sql');

/**
 * The package root: the nearest directory above this module that holds `src/demo/sql`. The .sql
 * files are read from there rather than next to this module because the module may be running
 * from the sources (src/demo/, under tsx or vitest) or from the esbuild bundle (dist/vane.mjs,
 * where import.meta.url is the bundle's); both sit below the root, which ships `src/`.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, SQL_DIR))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`the demo SQL (${SQL_DIR}) is not in any directory above ${import.meta.url}`);
    }
    dir = parent;
  }
}

/** The directory of the use cases' SQL files (shown to the user as examples to edit). */
export function demoSqlDir(): string {
  return join(packageRoot(), SQL_DIR);
}

/** A use case's SQL script: its stream and views, with their comments. */
export function loadDemoSql(useCase: string): string {
  return readFileSync(join(demoSqlDir(), `${useCase}.sql`), 'utf8');
}
