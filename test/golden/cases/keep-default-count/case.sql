-- Without keep, the rows of the last 100 closed windows stay. One event in a HOP of 101 windows
-- (slide 1s, size 101s) fills windows 0s..100s; when all 101 have closed, the oldest is deleted.
-- HAVING shows only the first two windows, to keep the output small.
CREATE STREAM ticks (src STRING, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '0s');

CREATE VIEW tick_hop AS
  SELECT window_start, window_end, count(*) AS n
  FROM HOP(ticks, INTERVAL '1' SECOND, INTERVAL '101' SECOND)
  GROUP BY window_start, window_end
  HAVING window_start < '1970-01-01T00:00:02Z';
