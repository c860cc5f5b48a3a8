/** @module sql: lexer, parser, syntax tree and planner (syntax tree -> engine plan). */
export type * from './ast.ts';
