// Bundles the server and CLI into dist/vane.mjs (npm dependencies stay external), so `vane` starts
// in a fraction of the time compiling the TypeScript on every start takes (BENCHMARKS.md,
// restart). Runs on `npm install` / `npm ci` (the `prepare` script) and with `npm run build`.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/vane.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
