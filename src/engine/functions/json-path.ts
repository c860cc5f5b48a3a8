/**
 * One step of a JSON path: `key` names an object member; `index` is the array position the same
 * text denotes, or -1 when it is not a whole number. Steps are lenient, as in JSON Pointer: '0'
 * selects element 0 of an array and member "0" of an object, whichever the document holds.
 */
export interface PathStep {
  readonly key: string;
  readonly index: number;
}

/** Longest digit run read as an index; longer runs are keys only (no index is that large). */
const MAX_INDEX_DIGITS = 15;

function step(key: string): PathStep {
  return { key, index: isIndex(key) ? Number(key) : -1 };
}

function isIndex(text: string): boolean {
  if (text.length === 0 || text.length > MAX_INDEX_DIGITS) return false;
  if (text.length > 1 && text.charCodeAt(0) === 0x30) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/**
 * Parses a path, or returns null when it is malformed. Accepted forms:
 * - dotted: 'a.b[0].c', optionally after '$' ('$', '$.a', '$[0]'); brackets hold an index or a
 *   quoted key ("['a.b']" or '["a b"]', no escapes). Empty names ('a..b') are malformed.
 * - JSON Pointer (RFC 6901): '' is the whole document, '/a/b/0', with ~1 for '/' and ~0 for '~'.
 */
export function parsePath(path: string): PathStep[] | null {
  if (path.length === 0) return [];
  if (path.charCodeAt(0) === 0x2f) return parsePointer(path);
  return parseDotted(path);
}

function parsePointer(path: string): PathStep[] {
  const steps: PathStep[] = [];
  for (const raw of path.slice(1).split('/')) {
    steps.push(step(raw.includes('~') ? raw.replaceAll('~1', '/').replaceAll('~0', '~') : raw));
  }
  return steps;
}

function parseDotted(path: string): PathStep[] | null {
  const steps: PathStep[] = [];
  let at = 0;
  let expectName = true;
  if (path.charCodeAt(0) === 0x24 /* $ */) {
    at = 1;
    expectName = false;
  }
  while (at < path.length) {
    const code = path.charCodeAt(at);
    if (code === 0x5b /* [ */) {
      const close = path.indexOf(']', at);
      if (close < 0) return null;
      const inner = path.slice(at + 1, close);
      const quote = inner.charCodeAt(0);
      if (
        (quote === 0x27 || quote === 0x22) &&
        inner.length >= 2 &&
        inner.charCodeAt(inner.length - 1) === quote
      ) {
        steps.push({ key: inner.slice(1, -1), index: -1 });
      } else if (isIndex(inner)) {
        steps.push(step(inner));
      } else {
        return null;
      }
      at = close + 1;
      expectName = false;
    } else if (code === 0x2e /* . */ || expectName) {
      if (code === 0x2e) at++;
      let end = at;
      while (end < path.length) {
        const c = path.charCodeAt(end);
        if (c === 0x2e || c === 0x5b) break;
        if (c === 0x5d /* ] */) return null;
        end++;
      }
      if (end === at) return null;
      steps.push(step(path.slice(at, end)));
      at = end;
      expectName = false;
    } else {
      return null;
    }
  }
  return steps;
}

/** The value at `steps` inside `root`, or undefined when any step is missing. */
export function walkPath(root: unknown, steps: readonly PathStep[]): unknown {
  let node = root;
  for (let i = 0; i < steps.length; i++) {
    const { key, index } = steps[i]!;
    if (Array.isArray(node)) {
      if (index < 0 || index >= node.length) return undefined;
      node = node[index];
    } else if (typeof node === 'object' && node !== null) {
      // Own members only: 'constructor' or '__proto__' must not reach Object.prototype.
      if (!Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return node;
}
