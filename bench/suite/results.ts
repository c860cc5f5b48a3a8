/**
 * Results of a run: every round of every contender per scenario, and what is derived from them —
 * medians with min–max, ratios Vane ÷ peer of the medians, and the targets met or missed.
 * This is also what `--json` writes.
 */
import { median } from '../server/stats.ts';
import type { RoundResult, Scenario } from './scenarios/scenario.ts';

export interface ContenderResult {
  id: string;
  isVane: boolean;
  rounds: RoundResult[];
  /** Rounds that failed, with why. */
  failures: string[];
}

export interface TargetResult {
  text: string;
  figure: string;
  peer?: string;
  /** The ratio (Vane ÷ peer) or Vane's median; NaN when a side did not run. */
  value: number;
  met: boolean | undefined;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** Why it did not run, if it did not. */
  skipped?: string;
  contenders: ContenderResult[];
  /** Per contender, per figure: the median of its rounds. */
  medians: Record<string, Record<string, number>>;
  /** Per peer, per figure: Vane's median ÷ the peer's. */
  ratios: Record<string, Record<string, number>>;
  targets: TargetResult[];
}

export function summarize(
  scenario: Scenario,
  contenders: ContenderResult[],
  skipped?: string,
): ScenarioResult {
  const medians: Record<string, Record<string, number>> = {};
  for (const contender of contenders) {
    medians[contender.id] = Object.fromEntries(
      scenario.figures.map((figure) => [
        figure.key,
        median(contender.rounds.map((round) => round.figures[figure.key] ?? NaN)),
      ]),
    );
  }
  // The first Vane contender (`vane`, not `vane --memory`) is the numerator.
  const vane = contenders.find((contender) => contender.isVane);
  const ratios: Record<string, Record<string, number>> = {};
  for (const contender of contenders) {
    if (vane === undefined || contender === vane) continue;
    ratios[contender.id] = Object.fromEntries(
      scenario.figures.map((figure) => [
        figure.key,
        medians[vane.id]![figure.key]! / medians[contender.id]![figure.key]!,
      ]),
    );
  }
  const targets = scenario.targets.map((target): TargetResult => {
    const value =
      target.peer === undefined
        ? (medians[vane?.id ?? '']?.[target.figure] ?? NaN)
        : (ratios[target.peer]?.[target.figure] ?? NaN);
    return {
      text: target.text,
      figure: target.figure,
      peer: target.peer,
      value,
      met: Number.isFinite(value) ? target.met(value) : undefined,
    };
  });
  return { id: scenario.id, title: scenario.title, skipped, contenders, medians, ratios, targets };
}
