import type { Expr } from './ast.ts';

/**
 * A text that is equal for two expressions exactly when they are written the same way (ignoring
 * positions and letter case of keywords): used to match GROUP BY items with select items and to
 * compute identical aggregate calls once.
 */
export function exprKey(expr: Expr): string {
  return JSON.stringify(expr, (key, value: unknown) => (key === 'pos' ? undefined : value));
}
