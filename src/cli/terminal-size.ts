/**
 * A terminal dimension: what the terminal reports, else the COLUMNS / LINES variable, else a
 * default. A pseudo-terminal nobody sized (`script` fed from a pipe, some CI runners) reports 0,
 * which would draw every line empty.
 */
export function terminalSize(
  reported: number | undefined,
  fromEnv: string | undefined,
  fallback: number,
): number {
  if (reported !== undefined && reported > 0) return reported;
  const value = Number(fromEnv);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
