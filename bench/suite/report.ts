/**
 * The printed report: per scenario a Markdown table, one column per contender, each figure as
 * "median (min – max)" of its rounds, a "Vane ÷ peer" row under the main figures, then the
 * targets with their ratio and verdict.
 */
import { spread } from '../server/stats.ts';
import type { ScenarioResult } from './results.ts';
import type { Scenario } from './scenarios/scenario.ts';

/** A ratio of medians; none when a side is missing or not positive (an RSS delta can be ≤ 0). */
const ratioText = (value: number): string =>
  Number.isFinite(value) && value > 0
    ? `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`
    : '–';

export function reportScenario(scenario: Scenario, result: ScenarioResult): string[] {
  const lines = [`### ${result.id}: ${result.title}`, ''];
  if (result.skipped !== undefined) return [...lines, `skipped: ${result.skipped}`, ''];
  const ids = result.contenders.map((contender) => contender.id);
  lines.push(`| figure | ${ids.join(' | ')} |`, `|---|${ids.map(() => '---:').join('|')}|`);
  for (const figure of scenario.figures) {
    const cells = result.contenders.map((contender) =>
      contender.rounds.length === 0
        ? 'failed'
        : spread(
            contender.rounds.map((round) => round.figures[figure.key] ?? NaN),
            figure.format,
          ),
    );
    lines.push(`| ${figure.label} | ${cells.join(' | ')} |`);
    if (figure.ratio !== true || Object.keys(result.ratios).length === 0) continue;
    const ratios = result.contenders.map((contender) =>
      contender.id in result.ratios ? ratioText(result.ratios[contender.id]![figure.key]!) : '',
    );
    lines.push(`| … Vane ÷ this | ${ratios.join(' | ')} |`);
  }
  lines.push('');
  for (const target of result.targets) {
    const verdict = target.met === undefined ? 'not measured' : target.met ? 'met' : '**missed**';
    const value =
      target.peer === undefined
        ? (scenario.figures.find((figure) => figure.key === target.figure)?.format(target.value) ??
          String(target.value))
        : ratioText(target.value);
    lines.push(
      `- target ${figureLabel(scenario, target.figure)} ${target.text}: ${value} — ${verdict}`,
    );
  }
  const notes = result.contenders.flatMap((contender) => [
    ...contender.failures.map((failure) => `${contender.id}: failed: ${failure}`),
    ...contender.rounds.flatMap((round, i) =>
      round.notes.map((note) => `${contender.id} round ${i + 1}: ${note}`),
    ),
  ]);
  for (const note of notes) lines.push(`- note: ${note}`);
  lines.push('');
  return lines;
}

function figureLabel(scenario: Scenario, key: string): string {
  return scenario.figures.find((figure) => figure.key === key)?.label ?? key;
}
