import { VaneError } from '../util/index.ts';

/**
 * One MQTT mapping as configured: messages on topics matching `topic` go to `stream`.
 *
 * `topic` is an MQTT topic filter (`+` one level, `#` the rest, last level only), where a level
 * may also be written `{field}`: a `+` whose value is written into every event's `field`
 * (`sensors/{device_id}/reading` subscribes to `sensors/+/reading`).
 */
export interface TopicMapping {
  topic: string;
  stream: string;
}

/** Where one incoming message goes: its stream and the fields taken from its topic. */
export interface Route {
  stream: string;
  /** `{field}` levels of the mapping with the topic's value at that level. */
  topicFields: Record<string, string>;
}

/** The compiled mappings: the filters to subscribe to, and the route of a received topic. */
export interface TopicMap {
  /** Plain MQTT filters (`{field}` levels turned into `+`), one per mapping, in order. */
  readonly filters: readonly string[];
  readonly mappings: readonly TopicMapping[];
  /** The mapping whose filter matches `topic`, or null (at most one does: overlaps are refused). */
  route(topic: string): Route | null;
}

interface CompiledMapping {
  mapping: TopicMapping;
  filter: string;
  levels: string[];
  /** Level index → field name, for the `{field}` levels. */
  captures: Map<number, string>;
}

const FIELD_LEVEL = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Parses the command-line form `filter=stream` (`--mqtt-map`, VANE_MQTT_MAP). The last `=`
 * separates: stream names never hold one, topic filters may.
 * Throws INVALID_OPTION on a malformed mapping.
 */
export function parseTopicMapping(text: string): TopicMapping {
  const at = text.lastIndexOf('=');
  const topic = at < 0 ? '' : text.slice(0, at).trim();
  const stream = at < 0 ? '' : text.slice(at + 1).trim();
  if (topic === '' || stream === '') {
    throw new VaneError(
      'INVALID_OPTION',
      `MQTT mapping '${text}' is not of the form <topic filter>=<stream> (e.g. sensors/+/reading=readings)`,
    );
  }
  const mapping = { topic, stream };
  compileMapping(mapping);
  return mapping;
}

/**
 * Checks and compiles mappings. Throws INVALID_OPTION, naming the mapping, on an invalid filter,
 * on none at all, and on two filters that some topic matches both: a message must have exactly
 * one destination (brokers may deliver one copy per matching subscription).
 */
export function compileTopicMap(mappings: readonly TopicMapping[]): TopicMap {
  if (mappings.length === 0) {
    throw new VaneError('INVALID_OPTION', 'MQTT ingest needs at least one topic=stream mapping');
  }
  const compiled = mappings.map(compileMapping);
  for (let i = 0; i < compiled.length; i++) {
    for (let j = i + 1; j < compiled.length; j++) {
      if (filtersOverlap(compiled[i]!.levels, compiled[j]!.levels)) {
        throw new VaneError(
          'INVALID_OPTION',
          `MQTT mappings '${describeMapping(compiled[i]!.mapping)}' and '${describeMapping(compiled[j]!.mapping)}' overlap: some topic matches both filters`,
        );
      }
    }
  }
  return {
    filters: compiled.map((entry) => entry.filter),
    mappings: compiled.map((entry) => entry.mapping),
    route(topic) {
      const levels = topic.split('/');
      for (const entry of compiled) {
        if (!topicMatches(entry.levels, levels)) continue;
        const topicFields: Record<string, string> = {};
        for (const [index, field] of entry.captures) topicFields[field] = levels[index]!;
        return { stream: entry.mapping.stream, topicFields };
      }
      return null;
    },
  };
}

export function describeMapping(mapping: TopicMapping): string {
  return `${mapping.topic}=${mapping.stream}`;
}

function compileMapping(mapping: TopicMapping): CompiledMapping {
  const invalid = (why: string): VaneError =>
    new VaneError('INVALID_OPTION', `MQTT mapping '${describeMapping(mapping)}': ${why}`);
  if (typeof mapping.topic !== 'string' || mapping.topic === '') {
    throw invalid('the topic filter is empty');
  }
  if (typeof mapping.stream !== 'string' || mapping.stream.trim() === '') {
    throw invalid('the stream name is empty');
  }
  if (mapping.topic.includes('\u0000')) throw invalid('a topic filter cannot hold a NUL character');
  const captures = new Map<number, string>();
  const levels = mapping.topic.split('/').map((level, index, all) => {
    const field = FIELD_LEVEL.exec(level)?.[1];
    if (field !== undefined) {
      if ([...captures.values()].includes(field)) throw invalid(`field {${field}} appears twice`);
      captures.set(index, field);
      return '+';
    }
    if (level === '#' && index !== all.length - 1) throw invalid("'#' must be the last level");
    if (level !== '#' && level !== '+' && /[+#{}]/.test(level)) {
      throw invalid(
        `level '${level}': wildcards fill a whole level ('+', '#') and fields are written {name}`,
      );
    }
    return level;
  });
  return { mapping, filter: levels.join('/'), levels, captures };
}

/** MQTT matching (v5 §4.7): `+` one level, `#` this level and all below (or none). */
function topicMatches(filter: readonly string[], topic: readonly string[]): boolean {
  // Wildcards in the first level do not match topics starting with '$' (v5 §4.7.2).
  if (topic[0]?.startsWith('$') === true && (filter[0] === '+' || filter[0] === '#')) return false;
  for (let i = 0; i < filter.length; i++) {
    const level = filter[i]!;
    if (level === '#') return true;
    if (i >= topic.length) return false;
    if (level !== '+' && level !== topic[i]) return false;
  }
  return filter.length === topic.length;
}

/** True when some topic matches both filters. */
function filtersOverlap(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; ; i++) {
    const left = a[i];
    const right = b[i];
    if (left === '#' || right === '#') return true;
    if (left === undefined || right === undefined) return left === right;
    if (left !== '+' && right !== '+' && left !== right) return false;
  }
}
