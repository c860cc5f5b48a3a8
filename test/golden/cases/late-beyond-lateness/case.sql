-- An event later than the allowed lateness is dropped, counted in stats().views[v].lateEvents and
-- reported to onLateEvent. Boundaries: a window is closed once watermark >= its end.
CREATE STREAM orders (shop STRING, amount DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '10s');

CREATE VIEW sales_1m AS
  SELECT shop, window_start, window_end, sum(amount) AS total, count(*) AS n
  FROM TUMBLE(orders, INTERVAL '1' MINUTE)
  GROUP BY shop, window_start, window_end;
