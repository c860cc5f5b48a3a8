import type { Principal } from './principal.ts';

/**
 * A permission pattern is `*` (everything), a prefix glob ending in `*` (`sensor_*` matches
 * `sensor_a` and `sensor_`), or an exact name. Names are compared case-sensitively, as SQL
 * identifiers are. A `*` anywhere but the end is an ordinary character, so `a*b` matches only the
 * name `a*b`, which no identifier can be: a mistyped pattern grants nothing rather than too much.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

function matchesAny(patterns: readonly string[], name: string): boolean {
  for (const pattern of patterns) if (matchesPattern(pattern, name)) return true;
  return false;
}

export function canPublish(principal: Principal, stream: string): boolean {
  return matchesAny(principal.publish, stream);
}

/** Views and streams share one namespace in the catalog, so one list covers both. */
export function canSubscribe(principal: Principal, viewOrStream: string): boolean {
  return matchesAny(principal.subscribe, viewOrStream);
}

/** DDL and other catalog changes. */
export function canAdmin(principal: Principal): boolean {
  return principal.admin;
}
