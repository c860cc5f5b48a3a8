-- A late event within the allowed lateness updates its (still open) window, which is re-emitted
-- as an upsert of the same key.
CREATE STREAM orders (shop STRING, amount DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '10s');

CREATE VIEW sales_1m AS
  SELECT shop, window_start, window_end, sum(amount) AS total, count(*) AS n
  FROM TUMBLE(orders, INTERVAL '1' MINUTE)
  GROUP BY shop, window_start, window_end;
