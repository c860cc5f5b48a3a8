import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../catalog/index.ts';
import { ManualClock } from '../util/index.ts';
import { loadDemoSql } from './demo-sql.ts';
import type { DemoEvent } from './event-model.ts';
import type { IotModel } from './iot-generator.ts';
import { USE_CASE_INFO, USE_CASES, type UseCase } from './use-cases.ts';

const START_MS = Date.UTC(2026, 0, 1, 12, 0, 3);
const STEP_MS = 100;

interface SimulateOptions {
  alertEveryMs?: number;
  /** Events for which this is true are not sent (a device that stops reporting). */
  drop?: (event: DemoEvent) => boolean;
  /** Called after every step with the events sent, once they are ingested and emitted. */
  afterStep?: (nowMs: number, sent: readonly DemoEvent[], engine: Engine) => void;
}

/** Runs a use case's model against its SQL in an engine for `seconds` of simulated time. */
function simulate(useCase: UseCase, seconds: number, options: SimulateOptions = {}) {
  const clock = new ManualClock(START_MS);
  const engine = createEngine({ clock });
  engine.execute(loadDemoSql(useCase));
  const info = USE_CASE_INFO[useCase];
  const model = info.createModel({
    seed: 7,
    runId: 'test',
    ratePerSecond: info.defaultRate,
    alertEveryMs: options.alertEveryMs,
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
    let batch = model.advance(t);
    const drop = options.drop;
    if (drop !== undefined) batch = batch.filter((event) => !drop(event));
    // ingest validates the whole batch against the stream and throws on any bad event.
    if (batch.length > 0) engine.ingest(info.stream, batch);
    engine.advanceTo(t);
    events.push(...batch);
    options.afterStep?.(t, batch, engine);
  }
  return { engine, model, upserts, events, stats: engine.stats() };
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
      simulate('stocks', 40, { alertEveryMs }).engine.snapshot('alert_volume_spike').length;
    expect(spikes()).toBeGreaterThanOrEqual(2);
    expect(spikes(5_000)).toBeGreaterThanOrEqual(7);
  });
});

describe('the iot views, over six simulated minutes', () => {
  // Two devices stop reporting at 90 s while the others carry on: one comes back at 150 s, the
  // other stays silent to the end (270 s). The generator's own failures (40 s each) come on top.
  const BACK = 'dev-011';
  const GONE = 'dev-012';
  const STOP_MS = START_MS + 90_000;
  const BACK_MS = START_MS + 150_000;
  const stopped = (event: DemoEvent) => {
    const ts = event.ts as number;
    return (
      (event.device === BACK && ts > STOP_MS && ts < BACK_MS) ||
      (event.device === GONE && ts > STOP_MS)
    );
  };

  // The truth, from the events sent: each device's latest reading, and when it last reported
  // again after 10 s or more of silence.
  const lastSent = new Map<string, number>();
  const cameBack = new Map<string, number>();
  // Each whole second, what alert_device_silent lists, checked against the truth.
  const everListed = new Map<string, number>();
  const wrong: string[] = [];
  const SILENT_MS = 10_000;
  /** A device is listed by 17 s of silence (10 s, up to a 5 s slide, 2 s lateness)... */
  const LISTED_BY_MS = 18_000;
  /** ...and leaves within 7 s (a slide and the lateness) of reporting again. */
  const CLEARED_WITHIN_MS = 8_000;
  /** The view holds a silence up to five minutes (its window size). */
  const HELD_FOR_MS = 290_000;

  const run = simulate('iot', 360, {
    drop: stopped,
    afterStep(nowMs, sent, engine) {
      for (const event of sent) {
        const device = event.device as string;
        const ts = event.ts as number;
        const previous = lastSent.get(device);
        if (previous !== undefined && ts - previous >= SILENT_MS) cameBack.set(device, ts);
        lastSent.set(device, Math.max(ts, previous ?? ts));
      }
      if ((nowMs - START_MS) % 1_000 !== 0) return;
      const second = (nowMs - START_MS) / 1_000;
      const rows = engine.snapshot('alert_device_silent');
      const listed = new Set(rows.map((row) => row.device as string));
      if (listed.size !== rows.length) wrong.push(`${second} s: a device listed twice`);
      for (const device of listed) {
        if (!everListed.has(device)) everListed.set(device, nowMs);
        const silentMs = nowMs - lastSent.get(device)!;
        const backForMs = nowMs - (cameBack.get(device) ?? -Infinity);
        if (silentMs < SILENT_MS && backForMs > CLEARED_WITHIN_MS) {
          wrong.push(`${second} s: ${device} listed, but its last reading was ${silentMs} ms ago`);
        }
      }
      for (const [device, last] of lastSent) {
        const silentMs = nowMs - last;
        if (silentMs >= LISTED_BY_MS && silentMs < HELD_FOR_MS && !listed.has(device)) {
          wrong.push(`${second} s: ${device} silent for ${silentMs} ms, not listed`);
        }
      }
    },
  });

  it('alert_device_silent lists exactly the devices silent for 10 s or more, once each', () => {
    expect(wrong).toEqual([]);
    // Both stopped devices and several of the generator's failing ones were listed.
    expect(everListed.get(BACK)! - STOP_MS).toBeGreaterThanOrEqual(SILENT_MS);
    expect(everListed.get(BACK)! - STOP_MS).toBeLessThanOrEqual(LISTED_BY_MS);
    expect(everListed.has(GONE)).toBe(true);
    expect(everListed.size).toBeGreaterThanOrEqual(10);
  });

  it('keeps listing a device that is still silent, and drops one that reports again', () => {
    const rows = run.engine.snapshot('alert_device_silent');
    expect(rows.some((row) => row.device === BACK)).toBe(false);
    const gone = rows.find((row) => row.device === GONE);
    expect(gone?.silent_ms).toBeGreaterThanOrEqual(260_000);
  });

  it('temp_anomaly ranks the drifting devices first, with z above 3, and healthy ones below 1.5', () => {
    const drifting = new Set((run.model as IotModel).driftingDevices());
    // An overheat (over 60 °C) stays in a device's baseline for good; those devices are left out.
    const overheated = new Set(
      run.events.filter((event) => (event.temp as number) > 60).map((event) => event.device),
    );
    const rows = run.engine
      .snapshot('temp_anomaly')
      .filter(
        (row) =>
          !overheated.has(row.device as string) && row.device !== BACK && row.device !== GONE,
      );
    const z = (row: (typeof rows)[number]) => row.z as number;
    const driftRows = rows.filter((row) => drifting.has(row.device as string));
    const steadyRows = rows.filter((row) => !drifting.has(row.device as string));
    expect(driftRows.length).toBeGreaterThanOrEqual(10);
    expect(steadyRows.length).toBeGreaterThanOrEqual(150);
    for (const row of driftRows) expect(z(row), row.device as string).toBeGreaterThan(3);
    for (const row of steadyRows) expect(Math.abs(z(row)), row.device as string).toBeLessThan(1.5);
    const top = run.engine
      .snapshot('temp_anomaly')
      .sort((a, b) => (b.abs_z as number) - (a.abs_z as number))
      .slice(0, 5);
    for (const row of top)
      expect(drifting.has(row.device as string), row.device as string).toBe(true);
  });
});
