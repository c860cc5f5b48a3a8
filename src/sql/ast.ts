import type { SourcePosition } from '../util/index.ts';
import type { SqlType } from '../engine/index.ts';

/**
 * The syntax tree the parser produces. Every node carries `pos`, the line and column (1-based)
 * where it starts in the statement text, so later stages can point errors at the right place.
 * Identifiers are stored as written for quoted ones ("Price") and lowercased for bare ones (Price
 * -> price), as in PostgreSQL. Keywords and function names are case-insensitive; function names are
 * stored lowercased.
 */

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | IntervalLiteral
  | ColumnRef
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | InExpr
  | BetweenExpr
  | CallExpr
  | CaseExpr
  | CastExpr;

export interface NumberLiteral {
  kind: 'number';
  value: number;
  /** True when written without a decimal point or exponent (`42`): a BIGINT literal. */
  isInteger: boolean;
  pos: SourcePosition;
}

export interface StringLiteral {
  kind: 'string';
  value: string;
  pos: SourcePosition;
}

export interface BooleanLiteral {
  kind: 'boolean';
  value: boolean;
  pos: SourcePosition;
}

export interface NullLiteral {
  kind: 'null';
  pos: SourcePosition;
}

/**
 * `INTERVAL '1' MINUTE`, `INTERVAL '5 minutes'`, `INTERVAL '250ms'`: resolved to milliseconds by the
 * parser. Units: MILLISECOND, SECOND, MINUTE, HOUR, DAY (singular or plural, any case).
 */
export interface IntervalLiteral {
  kind: 'interval';
  ms: number;
  pos: SourcePosition;
}

export interface ColumnRef {
  kind: 'column';
  name: string;
  pos: SourcePosition;
}

export interface UnaryExpr {
  kind: 'unary';
  op: '-' | '+' | 'NOT';
  operand: Expr;
  pos: SourcePosition;
}

export type BinaryOp =
  '+' | '-' | '*' | '/' | '%' | '||' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR' | 'LIKE';

/** `!=` is parsed as `<>`; `NOT LIKE` as NOT(LIKE). */
export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  pos: SourcePosition;
}

export interface IsNullExpr {
  kind: 'is_null';
  operand: Expr;
  negated: boolean;
  pos: SourcePosition;
}

export interface InExpr {
  kind: 'in';
  operand: Expr;
  list: Expr[];
  negated: boolean;
  pos: SourcePosition;
}

export interface BetweenExpr {
  kind: 'between';
  operand: Expr;
  low: Expr;
  high: Expr;
  negated: boolean;
  pos: SourcePosition;
}

/** A function call. `count(*)` and `rate(*)` have `star: true` and no args. */
export interface CallExpr {
  kind: 'call';
  name: string;
  args: Expr[];
  star: boolean;
  pos: SourcePosition;
}

/** `CASE [operand] WHEN … THEN … [ELSE …] END`; `operand` is null for the searched form. */
export interface CaseExpr {
  kind: 'case';
  operand: Expr | null;
  whens: { when: Expr; then: Expr }[];
  otherwise: Expr | null;
  pos: SourcePosition;
}

/** `CAST(x AS DOUBLE)` or `x::DOUBLE`. */
export interface CastExpr {
  kind: 'cast';
  operand: Expr;
  type: SqlType;
  pos: SourcePosition;
}

export type SelectItem =
  | { kind: 'star'; pos: SourcePosition }
  | { kind: 'expr'; expr: Expr; alias: string | null; pos: SourcePosition };

/**
 * The FROM clause: a plain stream or view name, or a windowing table function whose first
 * argument is a stream name and whose other arguments are expressions (intervals):
 * `TUMBLE(s, size)`, `HOP(s, slide, size)`, `SESSION(s, gap)`.
 */
export type FromClause =
  | { kind: 'relation'; name: string; pos: SourcePosition }
  | {
      kind: 'window';
      window: 'tumble' | 'hop' | 'session';
      source: string;
      sourcePos: SourcePosition;
      args: Expr[];
      pos: SourcePosition;
    };

export interface OrderItem {
  expr: Expr;
  direction: 'asc' | 'desc';
  pos: SourcePosition;
}

export interface SelectStatement {
  kind: 'select';
  items: SelectItem[];
  from: FromClause;
  where: Expr | null;
  groupBy: Expr[];
  having: Expr | null;
  orderBy: OrderItem[];
  limit: number | null;
  /** `EMIT CHANGES` / `EMIT FINAL`; null when not written. */
  emit: 'changes' | 'final' | null;
  pos: SourcePosition;
  text: string;
}

/** `key = value` inside `WITH (…)`; keys are lowercased, values are literals. */
export interface OptionEntry {
  key: string;
  value: string | number | boolean;
  pos: SourcePosition;
}

export interface ColumnDefinition {
  name: string;
  type: SqlType;
  pos: SourcePosition;
}

export interface CreateStreamStatement {
  kind: 'create_stream';
  name: string;
  ifNotExists: boolean;
  columns: ColumnDefinition[];
  options: OptionEntry[];
  pos: SourcePosition;
  text: string;
}

export interface CreateViewStatement {
  kind: 'create_view';
  name: string;
  ifNotExists: boolean;
  options: OptionEntry[];
  query: SelectStatement;
  pos: SourcePosition;
  text: string;
}

export interface DropStatement {
  kind: 'drop';
  object: 'stream' | 'view';
  name: string;
  ifExists: boolean;
  pos: SourcePosition;
  text: string;
}

export interface ShowStatement {
  kind: 'show';
  object: 'streams' | 'views';
  pos: SourcePosition;
  text: string;
}

export interface DescribeStatement {
  kind: 'describe';
  name: string;
  pos: SourcePosition;
  text: string;
}

/** Every statement keeps `text`: its own source, without the trailing `;`, trimmed. */
export type Statement =
  | CreateStreamStatement
  | CreateViewStatement
  | DropStatement
  | ShowStatement
  | DescribeStatement
  | SelectStatement;
