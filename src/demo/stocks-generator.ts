import {
  AlertSchedule,
  DEFAULT_ALERT_EVERY_MS,
  EventBudget,
  spreadTimes,
  type DemoEvent,
  type EventModel,
  type ModelOptions,
} from './event-model.ts';
import { Prng } from '../util/index.ts';
import { roundTo } from './round-to.ts';

const SYMBOLS = [
  'AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'AMD', 'NFLX', 'INTC',
  'ORCL', 'CRM', 'ADBE', 'CSCO', 'IBM', 'QCOM', 'TXN', 'AVGO', 'MU', 'SHOP',
  'UBER', 'ABNB', 'PYPL', 'SQ', 'COIN', 'PLTR', 'SNOW', 'DDOG', 'NET', 'ZM',
  'JPM', 'BAC', 'GS', 'MS', 'WFC', 'V', 'MA', 'AXP', 'KO', 'PEP',
  'WMT', 'COST', 'TGT', 'NKE', 'DIS', 'BA', 'CAT', 'XOM', 'CVX', 'PFE',
]; // prettier-ignore

/** Per-trade volatility of the random walk (log-return standard deviation). */
const TRADE_VOLATILITY = 0.0008;
/** How long a volume spike lasts, and the share of all trades its symbol takes meanwhile. */
const SPIKE_MS = 5_000;
const SPIKE_SHARE = 0.3;
/** A spike's trades are this many times larger than usual. */
const SPIKE_SIZE = 5;

interface Ticker {
  symbol: string;
  price: number;
  /** Per-trade drift of the log price: some symbols trend up, some down (the top movers). */
  drift: number;
}

/**
 * Trades for 50 symbols: prices follow a random walk with a per-symbol drift; sizes are mostly
 * small with a long tail. Every `alertEveryMs` one symbol has a volume spike (a burst of large
 * trades for 5 s) that trips `alert_volume_spike`.
 */
export class StocksModel implements EventModel {
  readonly stream = 'trades';
  private readonly random: Prng;
  private readonly budget: EventBudget;
  private readonly spikes: AlertSchedule;
  private readonly tickers: Ticker[];
  private spike: { ticker: Ticker; untilMs: number } | null = null;
  private lastMs: number | null = null;
  private sequence = 0;

  constructor(private readonly options: ModelOptions) {
    this.random = new Prng(options.seed);
    this.budget = new EventBudget(options.ratePerSecond);
    this.spikes = new AlertSchedule(options.alertEveryMs ?? DEFAULT_ALERT_EVERY_MS, 3_000);
    this.tickers = SYMBOLS.map((symbol) => ({
      symbol,
      price: roundTo(this.random.between(20, 500), 2),
      drift: this.random.normal() * TRADE_VOLATILITY * 0.05,
    }));
  }

  advance(nowMs: number): DemoEvent[] {
    const count = this.budget.take(nowMs);
    const fromMs = Math.max(this.lastMs ?? nowMs, nowMs - 1_000);
    this.lastMs = nowMs;
    if (this.spikes.due(nowMs)) {
      this.spike = { ticker: this.random.pick(this.tickers), untilMs: nowMs + SPIKE_MS };
    }
    if (this.spike !== null && nowMs >= this.spike.untilMs) this.spike = null;
    return spreadTimes(fromMs, nowMs, count).map((ts) => this.trade(ts));
  }

  private trade(ts: number): DemoEvent {
    const spiking = this.spike !== null && this.random.chance(SPIKE_SHARE);
    const ticker = spiking ? this.spike!.ticker : this.random.pick(this.tickers);
    ticker.price *= Math.exp(ticker.drift + TRADE_VOLATILITY * this.random.normal());
    // Mostly small trades, now and then a large one: the bursts a volume chart shows.
    const u = this.random.next();
    const qty = Math.max(1, Math.round(10 + 150 * u * u + (u > 0.98 ? 1_000 * u : 0)));
    this.sequence += 1;
    return {
      symbol: ticker.symbol,
      price: roundTo(ticker.price, 2),
      qty: spiking ? qty * SPIKE_SIZE : qty,
      side: this.random.chance(0.5) ? 'buy' : 'sell',
      ts,
      trade_id: `${this.options.runId}-t${this.sequence}`,
    };
  }
}
