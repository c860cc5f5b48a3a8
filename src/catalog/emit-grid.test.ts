import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/index.ts';
import { createEngine, emitDue, nextEmitSlotMs } from './create-engine.ts';

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

  it('allows one batch per interval-aligned slot', () => {
    expect(emitDue(100, 10, 109)).toBe(false);
    expect(emitDue(100, 10, 110)).toBe(true);
    expect(emitDue(109, 10, 111)).toBe(true);
    expect(emitDue(101, 10, 1_000)).toBe(true);
    expect(emitDue(-Infinity, 10, 50)).toBe(true);
    expect(emitDue(50, 0, 50)).toBe(true);
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
    expect(batches).toBe(100);
  });

  it('names the start of the slot in which held changes may go out', () => {
    expect(nextEmitSlotMs(-Infinity, 10)).toBe(-Infinity);
    expect(nextEmitSlotMs(100, 10)).toBe(110);
    expect(nextEmitSlotMs(109.5, 10)).toBe(110);
    expect(emitDue(109.5, 10, nextEmitSlotMs(109.5, 10))).toBe(true);
    expect(emitDue(109.5, 10, nextEmitSlotMs(109.5, 10) - 0.01)).toBe(false);
    expect(nextEmitSlotMs(50, 0)).toBe(-Infinity);

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
    engine.ingest('t', [{ k: 'a', v: 2 }]);
    // The earliest of the two views' next slots.
    expect(engine.nextEmitAtMs()).toBe(1_240);
    clock.set(1_240);
    engine.advanceTo(1_240);
    expect(engine.nextEmitAtMs()).toBe(2_000);
  });
});
