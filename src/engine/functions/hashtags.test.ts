import { describe, expect, it } from 'vitest';
import { extractHashtags, hashtags } from './hashtags.ts';

describe('hashtags', () => {
  it('lowercases tags and keeps the first appearance of each', () => {
    expect(hashtags.invoke(['Loving #Rust and #rust, also #Go! #RUST'])).toEqual(['rust', 'go']);
  });

  it('reads letters, digits and underscores, Unicode letters included', () => {
    expect(extractHashtags('#covid19 #café_2 #a-b #end.')).toEqual([
      'covid19',
      'café_2',
      'a',
      'end',
    ]);
    expect(extractHashtags('##Go')).toEqual(['go']);
    expect(extractHashtags('#Été #tag… #naïve_1x')).toEqual(['été', 'tag', 'naïve_1x']);
  });

  it('skips a # inside a word and all-digit tags', () => {
    expect(extractHashtags('C# and issue#12 and x#y')).toEqual([]);
    expect(extractHashtags('we are #1 in #2024')).toEqual([]);
  });

  it('is an empty array without tags', () => {
    expect(extractHashtags('no tags here')).toEqual([]);
    expect(extractHashtags('# alone, #!')).toEqual([]);
    expect(extractHashtags('')).toEqual([]);
  });

  it('is ARRAY for a STRING', () => {
    expect(hashtags.check(['STRING'])).toBe('ARRAY');
    expect(hashtags.check(['NULL'])).toBe('ARRAY');
    expect(hashtags.check(['JSON'])).toEqual({
      error: 'hashtags needs a STRING argument, got JSON',
    });
  });
});
