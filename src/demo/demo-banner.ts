import type { RunningUseCase } from './start-demo.ts';

export interface BannerInput {
  url: string;
  useCases: readonly RunningUseCase[];
  /** Views per stream, as the server's catalog lists them. */
  viewsByStream: ReadonlyMap<string, readonly string[]>;
  /** Commands to try, per use case. */
  tryCommands: (useCase: RunningUseCase['useCase']) => readonly string[];
  /** What happens to the data: where it lives and whether it outlives the run. */
  dataNote: string;
  sqlDir: string;
}

/** Alert views are the ones named alert_*: a row exists while (or once) the alert holds. */
export function isAlertView(name: string): boolean {
  return name.startsWith('alert_');
}

const DEFAULT_URL = 'http://127.0.0.1:7070';

/** What `vane demo` prints once it runs: where to look, what is running, what to try. */
export function demoBanner(input: BannerInput): string {
  const urlFlag = input.url === DEFAULT_URL ? '' : ` --url ${input.url}`;
  const lines = [
    '',
    '  Vane demo (dev mode: no auth, loopback only)',
    '',
    `  Dashboard  ${input.url}/`,
    `  Data       ${input.dataNote}`,
    `  SQL        ${input.sqlDir}/<use case>.sql (change views live with vane sql)`,
    '',
    '  Running',
  ];
  for (const running of input.useCases) {
    const views = input.viewsByStream.get(running.stream) ?? [];
    const rate =
      running.rate === null ? 'fed from outside' : `${round(running.rate)} ${running.rateUnit}`;
    lines.push(`    ${running.useCase.padEnd(7)} stream ${running.stream} at ${rate}`);
    const plain = views.filter((view) => !isAlertView(view));
    const alerts = views.filter(isAlertView);
    lines.push(`            views: ${plain.join(', ')}`);
    if (alerts.length > 0) lines.push(`            alerts: ${alerts.join(', ')}`);
  }
  lines.push('', '  Try (from a checkout: node bin/vane.js instead of vane)');
  for (const running of input.useCases) {
    for (const command of input.tryCommands(running.useCase)) {
      lines.push(`    ${command}${urlFlag}`);
    }
  }
  lines.push(`    vane sql "SHOW VIEWS"${urlFlag}`, '', '  Ctrl-C stops.', '');
  return lines.join('\n');
}

function round(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : rate.toFixed(1);
}
