/**
 * A client's address as the per-IP limits count it: an IPv4 client on a dual-stack socket is its
 * IPv4 address, however the library spells it (`ws`/Node: `::ffff:127.0.0.1`; uWebSockets.js:
 * `0000:0000:0000:0000:0000:ffff:7f00:0001`), so one client is one key on either transport.
 * IPv6 addresses are given in their short form (`::1`); anything unparsable is kept as it is.
 */
export function clientAddress(text: string): string {
  if (text === '') return 'unknown';
  if (!text.includes(':')) return text;
  const groups = expandIpv6(text);
  if (groups === null) return text.replace(/^::ffff:/i, '');
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!];
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return compressIpv6(groups);
}

/** The eight 16-bit groups of an IPv6 address (full or `::`-shortened), or null. */
function expandIpv6(text: string): number[] | null {
  const halves = text.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part
      .split(':')
      .map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN));
    return groups.some(Number.isNaN) ? null : groups;
  };
  if (halves.length === 1) {
    const groups = parse(halves[0]!);
    return groups?.length === 8 ? groups : null;
  }
  const head = parse(halves[0]!);
  const tail = parse(halves[1]!);
  if (head === null || tail === null || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
function compressIpv6(groups: number[]): string {
  let bestAt = -1;
  let bestLength = 1;
  for (let at = 0; at < 8;) {
    if (groups[at] !== 0) {
      at++;
      continue;
    }
    let end = at;
    while (end < 8 && groups[end] === 0) end++;
    if (end - at > bestLength) [bestAt, bestLength] = [at, end - at];
    at = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLength).join(':')}`;
}
