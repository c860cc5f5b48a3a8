-- TUMBLE windows with the OHLC view of SPEC §2: first/max/min/last, an expression over
-- aggregates (vwap), out-of-order events inside a window, and a window closed by the watermark.
CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '5s');

CREATE VIEW ohlc_1m AS
  SELECT symbol, window_start, window_end,
         first(price) AS open, max(price) AS high, min(price) AS low, last(price) AS close,
         sum(price * qty) / sum(qty) AS vwap, sum(qty) AS volume, count(*) AS trades
  FROM TUMBLE(trades, INTERVAL '1' MINUTE)
  GROUP BY symbol, window_start, window_end;
