import type { Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { CLAUSE_WORDS, INTENSIFIERS, NEGATORS, VALENCE } from './sentiment-lexicon.ts';
import { argError, arityError, isStringType } from './signature.ts';

/*
 * sentiment(text): a lexicon score in (-1, 1), positive = good, 0 for empty or neutral text.
 *
 * Tokens, after lowercasing: runs of letters and apostrophes (ASCII letters, most non-ASCII
 * letters, ' and ’; quote marks at a token's edges are dropped), each emoji, and the emoticons
 * listed in the lexicon (':)', '<3'; an emoticon directly followed by a letter, digit or '/' is
 * not one, so 'https://' is no ':/'). Digits, spaces and other punctuation separate tokens.
 *
 * Rules, in token order:
 * - A lexicon token adds its valence (-5..5) to the raw score.
 * - A negator ('not', 'no', 'never', any "…n't", …) makes the next NEGATION_SCOPE tokens count
 *   NEGATION_FACTOR times their valence: flipped, and damped because "not good" is milder than
 *   "bad". Clause punctuation (. , ; : ! ? newline) and 'but'/'however'/'although'/'though' end
 *   the scope early.
 * - An intensifier scales the next token: 'very', 'extremely', … by 1.5; 'slightly', 'kinda', …
 *   by 0.5. It does not stack ('very very good' is 1.5 × good) and counts toward a negation scope.
 * - The raw score r is normalised to r / sqrt(r² + 15) (the normalisation VADER uses), which maps
 *   ±3 to about ±0.61 and ±10 to about ±0.93.
 */

const NEGATION_SCOPE = 3;
const NEGATION_FACTOR = -0.75;
const NORMALIZATION_ALPHA = 15;

const NEGATE = 'negate';
const END_SCOPE = 'end-scope';
/** What a token does: a valence, a multiplier for the next token, or a scope change. */
type TokenRole = { valence: number } | { multiplier: number } | typeof NEGATE | typeof END_SCOPE;

/** Every token with a role, so scoring a token is one lookup. */
const ROLES: ReadonlyMap<string, TokenRole> = (() => {
  const roles = new Map<string, TokenRole>();
  for (const [token, valence] of VALENCE) roles.set(token, { valence });
  for (const [token, multiplier] of INTENSIFIERS) roles.set(token, { multiplier });
  for (const token of CLAUSE_WORDS) roles.set(token, END_SCOPE);
  for (const token of NEGATORS) roles.set(token, NEGATE);
  return roles;
})();

/** The lexicon's ASCII emoticons by their first character code, longest first. */
const EMOTICONS_BY_FIRST: readonly (readonly string[] | undefined)[] = (() => {
  const table: string[][] = [];
  for (const token of VALENCE.keys()) {
    const first = token.charCodeAt(0);
    if (first >= 0x80 || isWordUnit(first)) continue;
    (table[first] ??= []).push(token);
  }
  for (const list of table) list?.sort((a, b) => b.length - a.length);
  return table;
})();

function isWordUnit(code: number): boolean {
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || code === 0x27;
  // ’, then approximate letter blocks: Latin-1 to the end of the alphabetic scripts before
  // U+2000 (less × and ÷), kana to Hangul, and CJK compatibility ideographs.
  return (
    code === 0x2019 ||
    (code >= 0xc0 && code < 0x2000 && code !== 0xd7 && code !== 0xf7) ||
    (code >= 0x3040 && code < 0xd800) ||
    (code >= 0xf900 && code < 0xfe00)
  );
}

function isApostrophe(code: number): boolean {
  return code === 0x27 || code === 0x2019;
}

function isClauseBreak(code: number): boolean {
  return (
    code === 0x2e ||
    code === 0x2c ||
    code === 0x3b ||
    code === 0x3a ||
    code === 0x21 ||
    code === 0x3f ||
    code === 0x0a
  );
}

/** Whether an emoticon may end before `code`: not inside a word, a number or a URL. */
function endsEmoticon(code: number): boolean {
  const isAlnum = (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
  return !isAlnum && code !== 0x2f;
}

/**
 * The running state of one scoring pass. One instance is reused: scoring is synchronous and never
 * re-entered, and this keeps the per-call work free of closures.
 */
class Tally {
  total = 0;
  negationLeft = 0;
  boost = 1;

  reset(): void {
    this.total = 0;
    this.negationLeft = 0;
    this.boost = 1;
  }

  endScope(): void {
    this.negationLeft = 0;
    this.boost = 1;
  }

  add(token: string): void {
    const role = ROLES.get(token) ?? (token.endsWith("n't") ? NEGATE : undefined);
    if (role === NEGATE) {
      this.negationLeft = NEGATION_SCOPE;
      this.boost = 1;
      return;
    }
    if (role === END_SCOPE) {
      this.endScope();
      return;
    }
    if (role !== undefined && 'multiplier' in role) {
      this.boost = role.multiplier;
    } else {
      if (role !== undefined) {
        const negation = this.negationLeft > 0 ? NEGATION_FACTOR : 1;
        this.total += role.valence * this.boost * negation;
      }
      this.boost = 1;
    }
    if (this.negationLeft > 0) this.negationLeft--;
  }
}

const tally = new Tally();

/** The raw score: the sum of (possibly negated and scaled) valences. */
export function rawSentiment(text: string): number {
  const lower = text.toLowerCase();
  const end = lower.length;
  tally.reset();
  let i = 0;
  while (i < end) {
    const code = lower.charCodeAt(i);
    if (isWordUnit(code)) {
      let stop = i + 1;
      let curly = code === 0x2019;
      for (; stop < end; stop++) {
        const next = lower.charCodeAt(stop);
        if (!isWordUnit(next)) break;
        if (next === 0x2019) curly = true;
      }
      let from = i;
      let to = stop;
      while (from < to && isApostrophe(lower.charCodeAt(from))) from++;
      while (to > from && isApostrophe(lower.charCodeAt(to - 1))) to--;
      if (to > from) {
        const word = lower.slice(from, to);
        tally.add(curly ? word.replaceAll('\u2019', "'") : word);
      }
      i = stop;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const low = lower.charCodeAt(i + 1);
      const isPair = low >= 0xdc00 && low <= 0xdfff;
      // Skin-tone modifiers (U+1F3FB..U+1F3FF) colour the emoji before them; they are no token.
      const isSkinTone = code === 0xd83c && low >= 0xdffb && low <= 0xdfff;
      if (isPair && !isSkinTone) tally.add(lower.slice(i, i + 2));
      i += isPair ? 2 : 1;
    } else if (code >= 0x2100 && code <= 0x2bff) {
      tally.add(lower[i]!);
      i++;
    } else {
      const emoticon = code < 0x80 ? matchEmoticon(lower, i, code) : undefined;
      if (emoticon !== undefined) {
        tally.add(emoticon);
        i += emoticon.length;
      } else {
        if (isClauseBreak(code)) tally.endScope();
        i++;
      }
    }
  }
  return tally.total;
}

function matchEmoticon(text: string, at: number, first: number): string | undefined {
  const candidates = EMOTICONS_BY_FIRST[first];
  if (candidates === undefined) return undefined;
  for (const candidate of candidates) {
    const after = at + candidate.length;
    if (
      text.startsWith(candidate, at) &&
      (after >= text.length || endsEmoticon(text.charCodeAt(after)))
    ) {
      return candidate;
    }
  }
  return undefined;
}

/** The normalised score in (-1, 1). */
export function sentimentScore(text: string): number {
  const raw = rawSentiment(text);
  return raw === 0 ? 0 : raw / Math.sqrt(raw * raw + NORMALIZATION_ALPHA);
}

export const sentiment: ScalarFunction = {
  name: 'sentiment',
  minArgs: 1,
  maxArgs: 1,
  handlesNull: false,
  check(argTypes) {
    const arity = arityError('sentiment', 1, 1, argTypes.length);
    if (arity !== null) return arity;
    const type = argTypes[0]!;
    return isStringType(type) ? 'DOUBLE' : argError('sentiment', 'a STRING', type);
  },
  invoke(args: readonly Value[]): Value {
    return sentimentScore(args[0] as string);
  },
};
