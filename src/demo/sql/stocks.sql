-- Stocks: a trade stream for 50 symbols (random-walk prices, bursty volumes) and the views a
-- trading screen is made of. Every view updates as each trade arrives; change any of them with
-- `vane sql` (DROP VIEW …; CREATE VIEW …) while the demo runs.

-- One event per trade. `trade_id` de-duplicates a batch that is sent twice; event time is `ts`,
-- and a trade up to 2 s late still counts in its window.
CREATE STREAM trades (
  symbol   STRING,
  price    DOUBLE,
  qty      DOUBLE,
  side     STRING,      -- 'buy' or 'sell' (the aggressor)
  ts       TIMESTAMP,
  trade_id STRING
) WITH (timestamp = 'ts', id = 'trade_id', lateness = '2s', retention = '10m');

-- Candles: open, high, low, close, volume-weighted average price and volume per symbol and minute.
-- Closed candles stay 10 minutes, then leave the view (keep).
CREATE VIEW ohlc_1m WITH (keep = '10m', emit_interval = '500ms') AS
  SELECT symbol, window_start, window_end,
         first(price) AS open, max(price) AS high, min(price) AS low, last(price) AS close,
         sum(price * qty) / sum(qty) AS vwap,
         sum(qty) AS volume, count(*) AS trades
  FROM TUMBLE(trades, INTERVAL '1' MINUTE)
  GROUP BY symbol, window_start, window_end;

-- The ticker: last price per symbol with an exponentially weighted trend (ewma, alpha 0.05: about
-- the last 20 trades weigh most) and a Holt forecast 20 trades ahead. No window: a running aggregate.
CREATE VIEW last_price WITH (emit_interval = '250ms') AS
  SELECT symbol,
         last(price) AS price,
         ewma(price, 0.05) AS trend,
         last(price) - ewma(price, 0.05) AS above_trend,
         forecast(price, 20) AS forecast_20,
         sum(qty) AS volume, count(*) AS trades
  FROM trades
  GROUP BY symbol;

-- Bollinger bands: the one-minute moving average of the price, and two standard deviations either
-- side of it, sampled every 5 s (a hopping window). EMIT FINAL: each row is a finished window, so
-- per symbol the rows form a time series (window_end on the x axis); the latest is the band now.
CREATE VIEW bollinger_1m WITH (keep = '5m') AS
  SELECT symbol, window_start, window_end,
         avg(price) AS sma,
         avg(price) + 2 * stddev(price) AS upper_band,
         avg(price) - 2 * stddev(price) AS lower_band,
         last(price) AS close,
         count(*) AS trades
  FROM HOP(trades, INTERVAL '5' SECOND, INTERVAL '1' MINUTE)
  GROUP BY symbol, window_start, window_end
  EMIT FINAL;

-- Alert (a view whose name starts with alert_): a symbol trading far more than usual. A row exists
-- while a 10-second window's volume is over the threshold, and leaves one minute after the window.
-- Normal volume is about 3,000 shares per symbol in 10 s at the default rate; raise the threshold
-- if you raise --rate. The threshold is fixed because a window's group sees only its own trades:
-- comparing the volume with the symbol's usual volume would take a second, longer window (a join)
-- or a window function, and the dialect has neither (docs/demo.md, "Where the SQL is an
-- approximation").
CREATE VIEW alert_volume_spike WITH (keep = '1m') AS
  SELECT symbol, window_start, window_end,
         sum(qty) AS volume, count(*) AS trades, max(qty) AS largest_trade, last(price) AS price
  FROM TUMBLE(trades, INTERVAL '10' SECOND)
  GROUP BY symbol, window_start, window_end
  HAVING sum(qty) > 20000;

-- Top movers: each symbol's change since its first trade, in percent. Subscribe with
-- order_by abs_change_pct desc and limit 10 for a live top-10 (`vane tail top_movers --order
-- abs_change_pct:desc --limit 10`; the dashboard sorts by a clicked column in the page).
CREATE VIEW top_movers WITH (emit_interval = '1s') AS
  SELECT symbol,
         first(price) AS open,
         last(price) AS price,
         (last(price) - first(price)) / first(price) * 100 AS change_pct,
         abs(last(price) - first(price)) / first(price) * 100 AS abs_change_pct
  FROM trades
  GROUP BY symbol;
