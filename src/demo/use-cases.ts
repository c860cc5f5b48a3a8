import type { EventModel, ModelOptions } from './event-model.ts';
import { GamingModel } from './gaming-generator.ts';
import { IotModel } from './iot-generator.ts';
import { SocialModel } from './social-generator.ts';
import { StocksModel } from './stocks-generator.ts';

export const USE_CASES = ['stocks', 'iot', 'social', 'gaming'] as const;
export type UseCase = (typeof USE_CASES)[number];

export function isUseCase(name: string): name is UseCase {
  return (USE_CASES as readonly string[]).includes(name);
}

export interface UseCaseInfo {
  stream: string;
  /** Events per second by default; modest, so the whole demo idles on a laptop. */
  defaultRate: number;
  /** What the rate means, for the banner and --help. */
  rateUnit: string;
  createModel(options: ModelOptions): EventModel;
  /** Commands worth trying while it runs (shown in the banner). */
  tryCommands: readonly string[];
}

/**
 * The four use cases. Each one's stream and views are in src/demo/sql/<name>.sql; view names are
 * unique across use cases so `all` can load every script into one server. Alert views are named
 * `alert_*`: a row exists while (or once) the alert condition holds.
 */
export const USE_CASE_INFO: Readonly<Record<UseCase, UseCaseInfo>> = {
  stocks: {
    stream: 'trades',
    defaultRate: 200,
    rateUnit: 'trades/s',
    createModel: (options) => new StocksModel(options),
    tryCommands: [
      'vane tail last_price',
      'vane tail ohlc_1m --where symbol=AAPL',
      'vane tail alert_volume_spike',
      'vane sql "SELECT symbol, change_pct FROM top_movers ORDER BY abs_change_pct DESC LIMIT 5"',
    ],
  },
  iot: {
    stream: 'readings',
    defaultRate: 200,
    rateUnit: 'devices, one reading/s each',
    createModel: (options) => new IotModel(options),
    tryCommands: [
      'vane tail alert_overheating',
      'vane tail alert_device_silent',
      'vane sql "SELECT device, temp, z FROM temp_anomaly ORDER BY abs_z DESC LIMIT 5"',
    ],
  },
  social: {
    stream: 'posts',
    defaultRate: 50,
    rateUnit: 'posts/s',
    createModel: (options) => new SocialModel(options),
    tryCommands: ['vane tail topic_sentiment', 'vane tail alert_negative_storm'],
  },
  gaming: {
    stream: 'game_events',
    defaultRate: 150,
    rateUnit: 'events/s',
    createModel: (options) => new GamingModel(options),
    tryCommands: [
      'vane sql "SELECT player, score, kills FROM leaderboard ORDER BY score DESC LIMIT 10"',
      'vane tail revenue_1m',
    ],
  },
};
