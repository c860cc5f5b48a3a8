import type { ExprType, SqlType, Value } from '../types.ts';

/**
 * A scalar function of the dialect (`abs`, `concat`, `json_get`, `sentiment`, …).
 *
 * Contract: `invoke` is pure and deterministic, gets already-evaluated arguments and returns a
 * value of the type `check` promised. Unless `handlesNull` is set, the compiler returns NULL
 * without calling `invoke` when any argument is NULL (SQL's usual null propagation).
 */
export interface ScalarFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** When true, `invoke` receives NULL arguments and decides itself (`coalesce`, `concat`). */
  readonly handlesNull: boolean;
  /** The result type for these argument types, or a message saying what is wrong. */
  check(argTypes: readonly ExprType[]): SqlType | { error: string };
  invoke(args: readonly Value[]): Value;
}
