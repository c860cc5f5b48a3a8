-- keep = '0s' with EMIT FINAL: a closed window's final row is emitted, then deleted by the next
-- emission (a final row is always emitted before it is deleted).
CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '0s');

CREATE VIEW final_only WITH (keep = '0s') AS
  SELECT device, window_start, window_end, min(temp) AS low
  FROM TUMBLE(readings, INTERVAL '10' SECOND)
  GROUP BY device, window_start, window_end
  EMIT FINAL;
