-- first/last follow event time and, on equal times, arrival order: first keeps the earlier
-- arrival, last takes the later one. Numbers and STRINGs (two implementations); NULLs skipped.
CREATE STREAM quotes (sym STRING, px DOUBLE, venue STRING, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '1m');

CREATE VIEW edges AS
  SELECT sym, first(px) AS open, last(px) AS close, first(venue) AS first_venue,
         last(venue) AS last_venue, count(*) AS n
  FROM TUMBLE(quotes, INTERVAL '1' MINUTE)
  GROUP BY sym, window_start, window_end;
