import {
  AlertSchedule,
  DEFAULT_ALERT_EVERY_MS,
  type DemoEvent,
  type EventModel,
  type ModelOptions,
} from './event-model.ts';
import { Prng } from '../util/index.ts';
import { roundTo } from './round-to.ts';

const REPORT_EVERY_MS = 1_000;
const SITES = 8;
/** Share of devices whose temperature creeps up (°C per minute). */
const DRIFTING_SHARE = 0.1;
const DRIFT_PER_MINUTE = 0.5;
/** An overheating device runs this hot for this long: several 10-second windows over 70 °C. */
const OVERHEAT_TEMP = 88;
const OVERHEAT_MS = 25_000;
/** A failing device is silent for this long, then comes back with a fresh battery. */
const SILENT_MS = 40_000;

interface Device {
  id: string;
  site: string;
  baseTemp: number;
  humidity: number;
  battery: number;
  driftPerMs: number;
  startMs: number;
  nextReportMs: number;
  hotUntilMs: number;
  silentUntilMs: number;
}

/**
 * Sensors that each report once a second (the use case's rate is its number of devices). Ten
 * percent drift warmer over time. Every `alertEveryMs` one device overheats for 25 s (trips
 * `alert_overheating`) and another fails: it stops reporting for 40 s (trips
 * `alert_device_silent`) and then comes back.
 */
export class IotModel implements EventModel {
  readonly stream = 'readings';
  private readonly random: Prng;
  private readonly alerts: AlertSchedule;
  private readonly devices: Device[] = [];
  private sequence = 0;
  private started = false;

  constructor(private readonly options: ModelOptions) {
    this.random = new Prng(options.seed);
    this.alerts = new AlertSchedule(options.alertEveryMs ?? DEFAULT_ALERT_EVERY_MS, 2_000);
    const count = Math.max(2, Math.round(options.ratePerSecond));
    for (let i = 0; i < count; i++) {
      this.devices.push({
        id: `dev-${String(i + 1).padStart(3, '0')}`,
        site: `site-${(i % SITES) + 1}`,
        baseTemp: this.random.between(19, 27),
        humidity: this.random.between(35, 60),
        battery: this.random.between(40, 100),
        driftPerMs: this.random.chance(DRIFTING_SHARE) ? DRIFT_PER_MINUTE / 60_000 : 0,
        startMs: 0,
        nextReportMs: 0,
        hotUntilMs: 0,
        silentUntilMs: 0,
      });
    }
  }

  /** The devices that drift warmer (about one in ten): the ones `temp_anomaly` should rank first. */
  driftingDevices(): string[] {
    return this.devices.filter((device) => device.driftPerMs > 0).map((device) => device.id);
  }

  advance(nowMs: number): DemoEvent[] {
    if (!this.started) {
      this.started = true;
      // Devices report at staggered offsets within the second, from now on.
      for (const device of this.devices) {
        device.startMs = nowMs;
        device.nextReportMs = nowMs + this.random.int(REPORT_EVERY_MS);
      }
    }
    if (this.alerts.due(nowMs)) this.stageAlerts(nowMs);
    const events: DemoEvent[] = [];
    for (const device of this.devices) {
      // After a stall, skip the missed reports rather than send them all at once.
      if (device.nextReportMs < nowMs - REPORT_EVERY_MS) device.nextReportMs = nowMs;
      while (device.nextReportMs <= nowMs) {
        const ts = device.nextReportMs;
        device.nextReportMs += REPORT_EVERY_MS;
        if (ts < device.silentUntilMs) continue;
        events.push(this.reading(device, ts));
      }
    }
    events.sort((a, b) => (a.ts as number) - (b.ts as number));
    return events;
  }

  private stageAlerts(nowMs: number): void {
    const healthy = () => {
      const device = this.random.pick(this.devices);
      return device.hotUntilMs <= nowMs && device.silentUntilMs <= nowMs ? device : null;
    };
    const hot = healthy();
    if (hot !== null) hot.hotUntilMs = nowMs + OVERHEAT_MS;
    const failing = healthy();
    if (failing !== null) {
      failing.silentUntilMs = nowMs + SILENT_MS;
      failing.battery = 100;
    }
  }

  private reading(device: Device, ts: number): DemoEvent {
    const hot = ts < device.hotUntilMs;
    const temp = hot
      ? OVERHEAT_TEMP + this.random.normal()
      : device.baseTemp + device.driftPerMs * (ts - device.startMs) + 0.3 * this.random.normal();
    device.humidity = Math.min(95, Math.max(10, device.humidity + 0.05 * this.random.normal()));
    device.battery = Math.max(0, device.battery - 0.002);
    this.sequence += 1;
    return {
      device: device.id,
      site: device.site,
      temp: roundTo(temp, 2),
      humidity: roundTo(device.humidity, 1),
      battery: roundTo(device.battery, 2),
      ts,
      reading_id: `${this.options.runId}-r${this.sequence}`,
    };
  }
}
