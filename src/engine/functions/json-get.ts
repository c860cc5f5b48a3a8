import type { Value } from '../types.ts';
import { parsePath, walkPath } from './json-path.ts';
import type { PathStep } from './json-path.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { argError, arityError, isStringType } from './signature.ts';

/**
 * json_get(j, path): the JSON value at `path` inside `j` (path syntax: json-path.ts), or NULL when
 * the path is missing or malformed, or when `j` is text that is not valid JSON. Bad data never
 * raises: a malformed event must not stop the view.
 *
 * A string `j` is read as JSON text, whether its static type is STRING or JSON: at run time a JSON
 * string scalar cannot be told apart from JSON text carried in a string field, and text is by far
 * the common case (payloads sent as strings).
 */

/** Parsed paths by their text. The path is almost always a constant, so a few entries suffice. */
const PATH_CACHE_LIMIT = 256;
const pathCache = new Map<string, PathStep[] | null>();

export function compilePath(path: string): PathStep[] | null {
  const cached = pathCache.get(path);
  if (cached !== undefined) return cached;
  const steps = parsePath(path);
  if (pathCache.size >= PATH_CACHE_LIMIT) {
    pathCache.delete(pathCache.keys().next().value!);
  }
  pathCache.set(path, steps);
  return steps;
}

/** Number of cached paths; exposed so tests can see the cache stays bounded. */
export function cachedPathCount(): number {
  return pathCache.size;
}

/*
 * The last text parsed and its document. Several json_get calls on one event usually read the
 * same payload; one entry lets them share a parse while holding at most one document. Documents
 * are shared between calls, so engine values must stay unmutated (they are).
 */
let lastText: string | null = null;
let lastDocument: unknown = undefined;

/** The document in `text`, or undefined when it is not JSON. */
function parseText(text: string): unknown {
  if (text === lastText) return lastDocument;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    document = undefined;
  }
  lastText = text;
  lastDocument = document;
  return document;
}

export const jsonGet: ScalarFunction = {
  name: 'json_get',
  minArgs: 2,
  maxArgs: 2,
  handlesNull: false,
  check(argTypes) {
    const arity = arityError('json_get', 2, 2, argTypes.length);
    if (arity !== null) return arity;
    const document = argTypes[0]!;
    const path = argTypes[1]!;
    if (!(isStringType(document) || document === 'JSON' || document === 'ARRAY')) {
      return argError('json_get', 'a JSON, STRING or ARRAY', document, 'the document');
    }
    if (!isStringType(path)) return argError('json_get', 'a STRING', path, 'the path');
    return 'JSON';
  },
  invoke(args: readonly Value[]): Value {
    const steps = compilePath(args[1] as string);
    if (steps === null) return null;
    const source = args[0];
    const document = typeof source === 'string' ? parseText(source) : source;
    if (document === undefined) return null;
    const found = walkPath(document, steps);
    return found === undefined ? null : found;
  },
};
