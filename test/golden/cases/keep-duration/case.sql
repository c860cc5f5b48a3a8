-- keep = '20s': the row of a closed window is deleted once the watermark reaches its end + 20s,
-- at the first emission after the one that released it; deletes carry only the key columns.
CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '0s');

CREATE VIEW temp_10s WITH (keep = '20s') AS
  SELECT device, window_start, window_end, max(temp) AS high
  FROM TUMBLE(readings, INTERVAL '10' SECOND)
  GROUP BY device, window_start, window_end;
