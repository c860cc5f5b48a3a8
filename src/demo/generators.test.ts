import { describe, expect, it } from 'vitest';
import { createEngine } from '../catalog/index.ts';
import { ManualClock } from '../util/index.ts';
import { loadDemoSql } from './demo-sql.ts';
import type { DemoEvent } from './event-model.ts';
import { USE_CASE_INFO, USE_CASES, type UseCase } from './use-cases.ts';

const START_MS = Date.UTC(2026, 0, 1, 12, 0, 3);
const STEP_MS = 100;

/** Runs a use case's model against its SQL in an engine for `seconds` of simulated time. */
function simulate(useCase: UseCase, seconds: number, alertEveryMs?: number) {
  const clock = new ManualClock(START_MS);
  const engine = createEngine({ clock });
  engine.execute(loadDemoSql(useCase));
  const info = USE_CASE_INFO[useCase];
  const model = info.createModel({
    seed: 7,
    runId: 'test',
    ratePerSecond: info.defaultRate,
    alertEveryMs,
  });
  const upserts = new Map<string, number>();
  for (const view of engine.views()) {
    upserts.set(view.name, 0);
    engine.onChanges(view.name, (batch) =>
      upserts.set(view.name, upserts.get(view.name)! + batch.upserts.length),
    );
  }
  const events: DemoEvent[] = [];
  for (let t = START_MS; t <= START_MS + seconds * 1000; t += STEP_MS) {
    clock.set(t);
    const batch = model.advance(t);
    // ingest validates the whole batch against the stream and throws on any bad event.
    if (batch.length > 0) engine.ingest(info.stream, batch);
    engine.advanceTo(t);
    events.push(...batch);
  }
  return { engine, upserts, events, stats: engine.stats() };
}

describe.each(USE_CASES)('the %s generator', (useCase) => {
  const run = simulate(useCase, 60);

  it('produces events that validate against its stream, at about its rate', () => {
    const info = USE_CASE_INFO[useCase];
    expect(run.events.length).toBeGreaterThan(info.defaultRate * 60 * 0.85);
    expect(run.events.length).toBeLessThan(info.defaultRate * 60 * 1.1);
  });

  it('gives every event a unique id and an event time no later than now', () => {
    const idColumn = run.engine.streams()[0]!.spec.idColumn!;
    const ids = new Set(run.events.map((event) => event[idColumn]));
    expect(ids.size).toBe(run.events.length);
    expect(run.events.every((event) => (event.ts as number) <= START_MS + 60_000)).toBe(true);
  });

  it('drives every view, alerts included, within a simulated minute, with no late events', () => {
    for (const [view, count] of run.upserts) expect(count, view).toBeGreaterThan(0);
    for (const [view, stats] of Object.entries(run.stats.views)) {
      expect(stats.lateEvents, view).toBe(0);
    }
  });

  it('is deterministic given its seed', () => {
    const again = simulate(useCase, 5);
    expect(again.events).toEqual(run.events.slice(0, again.events.length));
  });
});

describe('alert cadence', () => {
  it('stages alerts every alertEveryMs (tests shorten it)', () => {
    const spikes = (alertEveryMs?: number) =>
      simulate('stocks', 40, alertEveryMs).engine.snapshot('alert_volume_spike').length;
    expect(spikes()).toBeGreaterThanOrEqual(2);
    expect(spikes(5_000)).toBeGreaterThanOrEqual(7);
  });
});
