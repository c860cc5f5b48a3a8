import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/index.ts';
import { createEngine, emitAllowedAtMs, emitDue, scheduleAfterEmit } from './create-engine.ts';

describe('emission grid', () => {
  it('keeps to the interval when ticks drift late', () => {
    const clock = new ManualClock(0);
    const engine = createEngine({ clock });
    engine.execute(`CREATE STREAM t (k STRING, v DOUBLE);
      CREATE VIEW s WITH (emit_interval = '10ms') AS SELECT k, sum(v) AS total FROM t GROUP BY k;`);
    let batches = 0;
    engine.onChanges('s', () => batches++);
    // Ticks on a 10 ms schedule that each land 0-3 ms late: gaps between ticks of 7 to 13 ms.
    for (let tick = 1; tick <= 100; tick++) {
      engine.ingest('t', [{ k: 'a', v: 1 }]);
      const now = tick * 10 + ((tick * 7) % 4);
      clock.set(now);
      engine.advanceTo(now);
    }
    // One batch per tick (measuring 10 ms from each batch sent about two thirds of them).
    expect(batches).toBe(100);
  });

  it('lets a batch out within one interval of its schedule, and moves the schedule on', () => {
    // Never emitted: due at once.
    expect(emitDue(-Infinity, 10, 0)).toBe(true);
    // Emitted at 100: the schedule stands at 110, and the next batch may go at once...
    expect(scheduleAfterEmit(-Infinity, 10, 100)).toBe(110);
    expect(emitDue(110, 10, 100)).toBe(true);
    // ...but after a second one (schedule 120) not before 110.
    expect(scheduleAfterEmit(110, 10, 100)).toBe(120);
    expect(emitDue(120, 10, 109.9)).toBe(false);
    expect(emitDue(120, 10, 110)).toBe(true);
    expect(emitAllowedAtMs(120, 10)).toBe(110);
    // A quiet spell does not bank more than one batch of credit.
    expect(scheduleAfterEmit(120, 10, 5_000)).toBe(5_010);
    expect(emitDue(50, 0, 0)).toBe(true);
    expect(emitAllowedAtMs(50, 0)).toBe(-Infinity);
  });

  it('sends every change of a stream arriving about once per interval at once, even after a late one', () => {
    const clock = new ManualClock(0);
    const engine = createEngine({ clock });
    engine.execute(`CREATE STREAM t (k STRING, v DOUBLE);
      CREATE VIEW s WITH (emit_interval = '10ms') AS SELECT k, sum(v) AS total FROM t GROUP BY k;`);
    let batches = 0;
    engine.onChanges('s', () => batches++);
    // One batch every 10 ms, one of them 5 ms late and the next 1 ms early; then on time again.
    // (Slots of 10 ms held the batch at 49 until 50, and from then on each batch until the next
    // slot: the one at 50 used the slot the batch at 59 arrived in, and so on.)
    const arrivals = [10, 20, 30, 45, 49, ...Array.from({ length: 30 }, (_, i) => 59 + i * 10)];
    arrivals.forEach((now, i) => {
      clock.set(now);
      engine.ingest('t', [{ k: 'a', v: 1 }]);
      engine.advanceTo(now);
      expect(batches).toBe(i + 1);
    });
  });

  it('sends at most one batch per interval on average, whatever the ticks', () => {
    const clock = new ManualClock(0);
    const engine = createEngine({ clock });
    engine.execute(`CREATE STREAM t (k STRING, v DOUBLE);
      CREATE VIEW s WITH (emit_interval = '100ms') AS SELECT k, sum(v) AS total FROM t GROUP BY k;`);
    let batches = 0;
    engine.onChanges('s', () => batches++);
    // Ticks every 3 ms for 10 s.
    for (let now = 3; now <= 10_000; now += 3) {
      engine.ingest('t', [{ k: 'a', v: 1 }]);
      clock.set(now);
      engine.advanceTo(now);
    }
    // 100 intervals; the first two batches come together (the tolerance), then one per interval.
    expect(batches).toBeGreaterThanOrEqual(100);
    expect(batches).toBeLessThanOrEqual(101);
  });

  it('says when the earliest held change may go out', () => {
    const clock = new ManualClock(0);
    const engine = createEngine({ clock });
    engine.execute(`CREATE STREAM t (k STRING, v DOUBLE);
      CREATE VIEW fast WITH (emit_interval = '10ms') AS SELECT k, sum(v) AS total FROM t GROUP BY k;
      CREATE VIEW slow WITH (emit_interval = '1s') AS SELECT k, count(*) AS n FROM t GROUP BY k;`);
    expect(engine.nextEmitAtMs()).toBeNull();
    engine.ingest('t', [{ k: 'a', v: 1 }]);
    // Never emitted: both may emit at once.
    expect(engine.nextEmitAtMs()).toBe(-Infinity);
    clock.set(1_234);
    engine.advanceTo(1_234);
    expect(engine.nextEmitAtMs()).toBeNull();
    // One batch each at 1,234: both may send one more at once.
    engine.ingest('t', [{ k: 'a', v: 2 }]);
    expect(engine.nextEmitAtMs()).toBe(1_234);
    engine.advanceTo(1_234);
    engine.ingest('t', [{ k: 'a', v: 3 }]);
    // Two batches at 1,234: fast may send again at 1,244, slow at 2,234.
    expect(engine.nextEmitAtMs()).toBe(1_244);
    clock.set(1_244);
    engine.advanceTo(1_244);
    expect(engine.nextEmitAtMs()).toBe(2_234);
  });

  it('emitApplied sends only the views of the streams named, as their schedules allow', () => {
    const clock = new ManualClock(0);
    const engine = createEngine({ clock });
    engine.execute(`CREATE STREAM a (k STRING, v DOUBLE);
      CREATE STREAM b (k STRING, v DOUBLE);
      CREATE VIEW on_a WITH (emit_interval = '10ms') AS SELECT k, sum(v) AS s FROM a GROUP BY k;
      CREATE VIEW on_b WITH (emit_interval = '10ms') AS SELECT k, sum(v) AS s FROM b GROUP BY k;`);
    const sent: string[] = [];
    engine.onChanges('on_a', () => sent.push('on_a'));
    engine.onChanges('on_b', () => sent.push('on_b'));
    engine.ingest('a', [{ k: 'x', v: 1 }]);
    engine.ingest('b', [{ k: 'x', v: 1 }]);
    engine.emitApplied(['a'], 0);
    expect(sent).toEqual(['on_a']);
    expect(engine.nextEmitAtMs(['a'])).toBeNull();
    expect(engine.nextEmitAtMs(['b'])).toBe(-Infinity);
    engine.emitApplied(['b', 'dropped'], 0);
    expect(sent).toEqual(['on_a', 'on_b']);
    // Two more changes on a at once: the second batch waits for the schedule (0 + 2 × 10 - 10).
    engine.ingest('a', [{ k: 'x', v: 2 }]);
    engine.emitApplied(['a'], 1);
    engine.ingest('a', [{ k: 'x', v: 3 }]);
    engine.emitApplied(['a'], 2);
    expect(sent).toEqual(['on_a', 'on_b', 'on_a']);
    expect(engine.nextEmitAtMs(['a'])).toBe(10);
  });
});
