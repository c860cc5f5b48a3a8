import type { Value } from '../types.ts';
import type { ScalarFunction } from './scalar-function.ts';
import { argError, arityError, isStringType } from './signature.ts';

/*
 * hashtags(text): the tags of a post, lowercased without their '#', each once, in order of first
 * appearance; an empty array when there are none. A tag is '#' followed by letters, digits and
 * underscores (Unicode letters and marks included: '#café'). As on social networks:
 * - a '#' right after an ASCII letter, digit or underscore starts no tag ('C#', 'issue#12');
 * - an all-digit tag is no tag ('#1', '#2024' read as numbers, and would crowd top_k).
 */

/** The characters of a tag; sticky, and tried only where a tag body reaches a non-ASCII unit. */
const TAG_BODY = /[\p{L}\p{M}\p{Nd}_]+/uy;

/** Shared by every text without tags; frozen so that no consumer can change it for the rest. */
const NO_TAGS: readonly string[] = Object.freeze([]);

function isAsciiWordUnit(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f
  );
}

function isAllDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/** Where the tag body starting at `from` ends: ASCII by a plain scan, the rest by TAG_BODY. */
function tagEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && isAsciiWordUnit(text.charCodeAt(end))) end++;
  if (end < text.length && text.charCodeAt(end) >= 0x80) {
    TAG_BODY.lastIndex = end;
    if (TAG_BODY.test(text)) return TAG_BODY.lastIndex;
  }
  return end;
}

export function extractHashtags(text: string): readonly string[] {
  let at = text.indexOf('#');
  if (at < 0) return NO_TAGS;
  let tags: string[] | null = null;
  while (at >= 0) {
    let next = at + 1;
    if (at === 0 || !isAsciiWordUnit(text.charCodeAt(at - 1))) {
      next = tagEnd(text, at + 1);
      if (next > at + 1) {
        const tag = text.slice(at + 1, next).toLowerCase();
        if (!isAllDigits(tag)) {
          if (tags === null) tags = [tag];
          else if (!tags.includes(tag)) tags.push(tag);
        }
      }
    }
    at = text.indexOf('#', next);
  }
  return tags ?? NO_TAGS;
}

export const hashtags: ScalarFunction = {
  name: 'hashtags',
  minArgs: 1,
  maxArgs: 1,
  handlesNull: false,
  check(argTypes) {
    const arity = arityError('hashtags', 1, 1, argTypes.length);
    if (arity !== null) return arity;
    const type = argTypes[0]!;
    return isStringType(type) ? 'ARRAY' : argError('hashtags', 'a STRING', type);
  },
  invoke(args: readonly Value[]): Value {
    return extractHashtags(args[0] as string);
  },
};
