#!/usr/bin/env node
// Runs the bundled build (dist/vane.mjs, made by `npm run build` and on install) when it is at
// least as new as every source file; otherwise the TypeScript sources through tsx's loader, so an
// edited checkout never runs stale code. VANE_FROM_SOURCE=1 forces the sources.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bundle = `${root}dist/vane.mjs`;

function newestSourceMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    const ms = entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs;
    if (ms > newest) newest = ms;
  }
  return newest;
}

function bundleIsCurrent() {
  if (process.env.VANE_FROM_SOURCE === '1') return false;
  try {
    return statSync(bundle).mtimeMs >= newestSourceMs(`${root}src`);
  } catch {
    return false;
  }
}

if (bundleIsCurrent()) {
  // Stack traces in logs point at src/, through the bundle's source map.
  process.setSourceMapsEnabled(true);
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
