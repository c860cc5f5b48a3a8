/**
 * The functions with the most self time in a V8 `.cpuprofile` (as written by `node --cpu-prof`),
 * for a first hint at where the server spends its CPU during a scenario.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface HotFunction {
  name: string;
  share: number;
}

export async function hotFunctions(file: string, top: number): Promise<HotFunction[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    if (count === 0) continue;
    const frame = node.callFrame;
    const where = frame.url === '' ? '' : ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName === '' ? '(anonymous)' : frame.functionName}${where}`;
    hits.set(name, (hits.get(name) ?? 0) + count);
    total += count;
  }
  return [...hits]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, count]) => ({ name, share: count / total }));
}

function shortUrl(url: string): string {
  const at = url.search(/\/(src|node_modules)\//);
  return at >= 0 ? url.slice(at + 1) : url.replace(/^file:\/\//, '');
}
