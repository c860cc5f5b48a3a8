import type { ViewInfo } from '../../src/client/index.ts';

const HAVING = /\bHAVING\b/i;

/**
 * A view is an alert when its rows exist only while a condition holds: SQL with HAVING (SPEC §2,
 * `overheating`), or by convention a name starting with `alert_` (the demo names its alerts so).
 * The test on the SQL text is coarse (a HAVING inside a string literal counts too), which is
 * harmless: such a view is merely also listed in the alerts panel.
 */
export function isAlertView(view: ViewInfo): boolean {
  return view.name.startsWith('alert_') || HAVING.test(view.sql);
}
