-- HOP (slide 10s, size 30s): an event belongs to the three windows that contain it, windows are
-- aligned to multiples of the slide, WHERE drops events before windowing (but the watermark still
-- moves), and a window closes when the watermark reaches its end.
CREATE STREAM readings (device STRING, temp DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '0s');

CREATE VIEW temp_hop AS
  SELECT device, window_start, window_end, avg(temp) AS avg_temp, count(*) AS n
  FROM HOP(readings, INTERVAL '10' SECOND, INTERVAL '30' SECOND)
  WHERE temp IS NOT NULL
  GROUP BY device, window_start, window_end;
