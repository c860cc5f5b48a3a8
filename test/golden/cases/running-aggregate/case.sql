-- No window: one row per key for the life of the view (SPEC's last_price). last() follows event
-- time, ewma follows arrival order; rows are never closed, so no event is ever late.
CREATE STREAM trades (symbol STRING, price DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '1s');

CREATE VIEW last_price AS
  SELECT symbol, last(price) AS price, ewma(price, 0.5) AS trend, count(*) AS n
  FROM trades GROUP BY symbol;
