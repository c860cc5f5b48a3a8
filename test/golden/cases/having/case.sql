-- HAVING (SPEC's overheating alert): a row exists while the condition holds: it appears with an
-- upsert, disappears with a delete of its key, and reappears with an upsert.
CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '0s');

CREATE VIEW overheating AS
  SELECT device, window_start, avg(temp) AS avg_temp
  FROM TUMBLE(readings, INTERVAL '1' MINUTE)
  GROUP BY device, window_start, window_end
  HAVING avg(temp) > 80;
