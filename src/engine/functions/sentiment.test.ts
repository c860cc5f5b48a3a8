import { describe, expect, it } from 'vitest';
import { rawSentiment, sentiment, sentimentScore } from './sentiment.ts';
import { CLAUSE_WORDS, INTENSIFIERS, NEGATORS, VALENCE } from './sentiment-lexicon.ts';

/** The documented normalisation, r / sqrt(r² + 15). */
const normalised = (raw: number): number => raw / Math.sqrt(raw * raw + 15);

describe('sentiment', () => {
  it('orders praise above neutral above complaint', () => {
    const praise = sentiment.invoke(['I love this, great product']) as number;
    const neutral = sentiment.invoke(['ok']) as number;
    const complaint = sentiment.invoke(['terrible awful crash']) as number;
    expect(praise).toBeGreaterThan(neutral);
    expect(neutral).toBeGreaterThan(complaint);
  });

  it('sums valences and normalises to r / sqrt(r² + 15)', () => {
    // love 4 + great 3
    expect(sentimentScore('I love this, great product')).toBe(0.875);
    // terrible -4 + awful -3 + crash -3
    expect(sentimentScore('terrible awful crash')).toBeCloseTo(-0.932505, 6);
    expect(sentimentScore('terrible awful crash')).toBe(normalised(-10));
  });

  it('is 0 for empty and neutral text', () => {
    expect(sentimentScore('')).toBe(0);
    expect(sentimentScore('ok')).toBe(0);
    expect(sentimentScore('the table is brown')).toBe(0);
    expect(sentimentScore('12:30 — see https://example.com/a')).toBe(0);
  });

  it('flips and damps valence after a negation', () => {
    expect(sentimentScore('not good')).toBeLessThan(0);
    expect(rawSentiment('not good')).toBe(-1.5);
    expect(rawSentiment("isn't great")).toBe(-2.25);
    expect(rawSentiment('isn’t great')).toBe(-2.25);
    expect(rawSentiment('never bad')).toBe(1.5);
    expect(rawSentiment('no problems')).toBe(1.5);
    expect(rawSentiment('DONT like it')).toBe(-0.75);
  });

  it('limits a negation to three tokens and to its clause', () => {
    expect(rawSentiment('not at all good')).toBe(-1.5);
    expect(rawSentiment('not one of the good ones')).toBe(2);
    expect(rawSentiment('not bad, terrible')).toBe(-2.5);
    expect(rawSentiment('not cheap but good')).toBe(2);
  });

  it('scales the token after an intensifier, without stacking', () => {
    expect(rawSentiment('very good')).toBe(3);
    expect(rawSentiment('very very good')).toBe(3);
    expect(rawSentiment('slightly bad')).toBe(-1);
    expect(rawSentiment('very the good')).toBe(2);
    expect(rawSentiment('not very good')).toBe(-2.25);
  });

  it('reads emoticons and emoji', () => {
    expect(rawSentiment('great :)')).toBe(5);
    expect(rawSentiment('great:)')).toBe(5);
    expect(rawSentiment(':D')).toBe(3);
    expect(rawSentiment('ugh :(')).toBe(-4);
    expect(rawSentiment('🚀🚀 to the moon 🔥')).toBe(10);
    expect(rawSentiment('📉')).toBe(-2);
    expect(rawSentiment('❤️ it')).toBe(4);
    expect(rawSentiment('👍🏽')).toBe(2);
    expect(rawSentiment('<3')).toBe(4);
  });

  it('ignores case, edge quotes and emoticon look-alikes inside words and URLs', () => {
    expect(rawSentiment('GREAT')).toBe(3);
    expect(rawSentiment("'great'")).toBe(3);
    expect(rawSentiment('https://x.io :/')).toBe(-1);
    expect(rawSentiment(':done')).toBe(0);
  });

  it('is DOUBLE for a STRING', () => {
    expect(sentiment.check(['STRING'])).toBe('DOUBLE');
    expect(sentiment.check(['NULL'])).toBe('DOUBLE');
    expect(sentiment.check(['BIGINT'])).toEqual({
      error: 'sentiment needs a STRING argument, got BIGINT',
    });
  });
});

describe('sentiment lexicon', () => {
  it('has several hundred integer valences in -5..5', () => {
    expect(VALENCE.size).toBeGreaterThanOrEqual(300);
    for (const [token, valence] of VALENCE) {
      expect(
        Number.isInteger(valence) && valence >= -5 && valence <= 5 && valence !== 0,
        token,
      ).toBe(true);
    }
  });

  it('has every entry score its own valence, so the tokenizer can reach each one', () => {
    for (const [token, valence] of VALENCE) expect(rawSentiment(token), token).toBe(valence);
  });

  it('keeps valenced words apart from negators, intensifiers and clause words', () => {
    for (const token of [...NEGATORS, ...INTENSIFIERS.keys(), ...CLAUSE_WORDS]) {
      expect(VALENCE.has(token), token).toBe(false);
    }
  });
});
