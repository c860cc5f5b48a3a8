-- A view created while events flow starts empty (no backfill) at the stream's current watermark:
-- earlier events are not in it, and a window already closed for the stream is closed for it too.
CREATE STREAM clicks (page STRING, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '5s');

CREATE VIEW early_view AS
  SELECT page, window_start, count(*) AS n
  FROM TUMBLE(clicks, INTERVAL '10' SECOND)
  GROUP BY page, window_start, window_end;
