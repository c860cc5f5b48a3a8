import { describe, expect, it } from 'vitest';
import { compileTopicMap, parseTopicMapping } from './topic-map.ts';

describe('MQTT topic mappings', () => {
  it('parses filter=stream, splitting at the last =', () => {
    expect(parseTopicMapping('sensors/+/reading=readings')).toEqual({
      topic: 'sensors/+/reading',
      stream: 'readings',
    });
    expect(parseTopicMapping(' a/b=c/# = s ')).toEqual({ topic: 'a/b=c/#', stream: 's' });
  });

  it.each(['sensors/+', '=readings', 'sensors/#=', 'a/#/b=s', 'a/b+=s', 'a/{x}/{x}=s', 'a/{1x}=s'])(
    'refuses %s with INVALID_OPTION',
    (text) => {
      expect(() => parseTopicMapping(text)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    },
  );

  it('routes topics by MQTT matching: + one level, # the rest (parent included)', () => {
    const map = compileTopicMap([
      { topic: 'sensors/+/reading', stream: 'readings' },
      { topic: 'alerts/#', stream: 'alerts' },
      { topic: 'exact/topic', stream: 'exact' },
    ]);
    expect(map.filters).toEqual(['sensors/+/reading', 'alerts/#', 'exact/topic']);
    expect(map.route('sensors/d1/reading')?.stream).toBe('readings');
    expect(map.route('sensors/d1/reading/x')).toBeNull();
    expect(map.route('sensors/reading')).toBeNull();
    expect(map.route('alerts')?.stream).toBe('alerts');
    expect(map.route('alerts/a/b/c')?.stream).toBe('alerts');
    expect(map.route('exact/topic')?.stream).toBe('exact');
    expect(map.route('exact/topic2')).toBeNull();
  });

  it('does not let leading wildcards match $ topics', () => {
    const map = compileTopicMap([{ topic: '#', stream: 'all' }]);
    expect(map.route('$SYS/broker/uptime')).toBeNull();
    expect(map.route('a/b')?.stream).toBe('all');
  });

  it('turns {field} levels into + and captures their values', () => {
    const map = compileTopicMap([{ topic: 'site/{site}/dev/{device_id}/#', stream: 'r' }]);
    expect(map.filters).toEqual(['site/+/dev/+/#']);
    expect(map.route('site/paris/dev/d7/temp')).toEqual({
      stream: 'r',
      topicFields: { site: 'paris', device_id: 'd7' },
    });
  });

  it('refuses overlapping filters, naming both mappings', () => {
    expect(() =>
      compileTopicMap([
        { topic: 'sensors/#', stream: 'raw' },
        { topic: 'sensors/+/reading', stream: 'readings' },
      ]),
    ).toThrow(/'sensors\/#=raw' and 'sensors\/\+\/reading=readings' overlap/);
    expect(() =>
      compileTopicMap([
        { topic: 'a/+', stream: 's' },
        { topic: 'a/b', stream: 't' },
      ]),
    ).toThrow(/overlap/);
    expect(() =>
      compileTopicMap([
        { topic: 'a/#', stream: 's' },
        { topic: 'a', stream: 't' },
      ]),
    ).toThrow(/overlap/);
    expect(
      compileTopicMap([
        { topic: 'a/+', stream: 's' },
        { topic: 'a', stream: 't' },
        { topic: 'b/+/c', stream: 't' },
        { topic: 'b/x/d', stream: 't' },
      ]).filters,
    ).toHaveLength(4);
  });

  it('refuses an empty mapping list', () => {
    expect(() => compileTopicMap([])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
