-- EMIT FINAL: a window's row is emitted once, when the watermark closes it, never before and
-- never again; events within lateness still count, later ones are dropped.
CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '2s');

CREATE VIEW temp_final AS
  SELECT device, window_start, window_end, avg(temp) AS avg_temp, count(*) AS n
  FROM TUMBLE(readings, INTERVAL '10' SECOND)
  GROUP BY device, window_start, window_end
  EMIT FINAL;
