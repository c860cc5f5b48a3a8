/** `--cpu-prof <scenario>`: the hottest functions of Vane's server profile, printed with the round. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hotFunctions } from '../server/profile-summary.ts';

export async function printProfile(dir: string): Promise<void> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) return console.log(`  (no CPU profile was written to ${dir})`);
  const file = join(dir, files[0]!);
  console.log(`  Vane server CPU profile: ${file}; most self time:`);
  for (const hot of await hotFunctions(file, 20)) {
    console.log(`    ${(hot.share * 100).toFixed(1).padStart(5)} %  ${hot.name}`);
  }
}
