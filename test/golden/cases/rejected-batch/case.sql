-- A batch is accepted whole or rejected whole: a rejected batch (wrong type, missing event time,
-- not an array, unknown stream) changes no view, not even through events before the bad one.
CREATE STREAM sales (shop STRING, amount DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '0s');

CREATE VIEW per_minute AS
  SELECT shop, window_start, window_end, sum(amount) AS total, count(*) AS n
  FROM TUMBLE(sales, INTERVAL '1' MINUTE) GROUP BY shop, window_start, window_end;
