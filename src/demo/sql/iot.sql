-- IoT: about 200 sensors, each reporting temperature, humidity and battery once a second. Some
-- drift (their temperature creeps up), one at a time overheats, and some fail: they go silent for a
-- while. Change any view with `vane sql` while the demo runs.

-- One event per reading; `reading_id` de-duplicates a batch sent twice.
CREATE STREAM readings (
  device     STRING,
  site       STRING,
  temp       DOUBLE,      -- °C
  humidity   DOUBLE,      -- % relative
  battery    DOUBLE,      -- % charge
  ts         TIMESTAMP,
  reading_id STRING
) WITH (timestamp = 'ts', id = 'reading_id', lateness = '2s', retention = '10m');

-- Per device and minute: how many readings arrived, the temperature's mean, range and 99th
-- percentile (a DDSketch, 1 % relative error), mean humidity and the lowest battery level.
CREATE VIEW device_stats_1m WITH (keep = '5m', emit_interval = '1s') AS
  SELECT device, window_start, window_end,
         count(*) AS readings,
         avg(temp) AS avg_temp, min(temp) AS min_temp, max(temp) AS max_temp,
         approx_percentile(temp, 0.99) AS p99_temp,
         avg(humidity) AS avg_humidity,
         min(battery) AS battery
  FROM TUMBLE(readings, INTERVAL '1' MINUTE)
  GROUP BY device, window_start, window_end;

-- Anomaly score per device: z is how far the device's recent temperature is from its baseline, in
-- units of its noise:
--   recent   = ewma(temp, 0.1), in arrival order: the last 10 readings carry 65 % of its weight;
--   baseline = avg(temp), the mean of every reading since the device's first;
--   noise_sd = the standard deviation of the readings around their straight-line trend over time
--              (stddev · √(1 − corr²), the least-squares residual), so a drift does not inflate it.
-- A steady device's z stays within about ±1. A drifting device's recent level moves away from its
-- baseline while its noise stays put, so its z keeps growing: at 0.5 °C a minute with 0.3 °C of
-- noise, about 4 after five minutes and 8 after ten (trend_per_min shows the drift itself). A
-- device overheating now scores too, the higher the longer it ran normally before (about 5 for
-- 25 s at 88 °C after ten minutes). The baseline never forgets: after an overheat the device's
-- noise_sd stays large, and so its z stays small, drift included. Order by abs_z for the most
-- anomalous devices. last_seen is the latest reading (see alert_device_silent).
CREATE VIEW temp_anomaly WITH (emit_interval = '1s') AS
  SELECT device,
         last(temp) AS temp,
         ewma(temp, 0.1) AS recent_temp,
         avg(temp) AS baseline_temp,
         stddev(temp) * sqrt(1 - corr(temp, ts) * corr(temp, ts)) AS noise_sd,
         regr_slope(temp, ts) * 60000 AS trend_per_min,
         (ewma(temp, 0.1) - avg(temp))
           / (stddev(temp) * sqrt(1 - corr(temp, ts) * corr(temp, ts))) AS z,
         abs((ewma(temp, 0.1) - avg(temp))
           / (stddev(temp) * sqrt(1 - corr(temp, ts) * corr(temp, ts)))) AS abs_z,
         count(*) AS readings,
         max(ts) AS last_seen
  FROM readings
  GROUP BY device;

-- Alert: a device whose mean temperature over 10 s is above 70 °C. The row appears while the
-- window is over the limit and leaves one minute after the window ends.
CREATE VIEW alert_overheating WITH (keep = '1m') AS
  SELECT device, site, window_start, window_end,
         avg(temp) AS avg_temp, max(temp) AS max_temp, count(*) AS readings
  FROM TUMBLE(readings, INTERVAL '10' SECOND)
  GROUP BY device, site, window_start, window_end
  HAVING avg(temp) > 70;

-- Alert: devices silent now, with no reading for at least 10 s. A view has no clock of its own
-- (now() is for snapshot queries only), so silence is measured in event time, as follows. Each
-- row is a five-minute window, sliding every 5 s, in which the device's last reading (last_seen)
-- came at least 10 s before the window's end; silent_ms is that gap, the silence as of
-- window_end. EMIT FINAL: a window counts once it is finished, i.e. once the newest reading of any
-- device, minus the 2 s lateness, has passed its end; keep = the 5 s slide, so a silent device
-- has one row (for a moment two, after a stall of the whole stream): its latest finished window,
-- which moves on every 5 s with silent_ms growing.
-- So, while the other devices keep reporting, a device is listed 10 to 17 s after its last
-- reading, stays listed while it is silent, and leaves within 7 s of reporting again. Limits: a
-- device silent for more than five minutes leaves (no window holds its last reading any more); a
-- device that never reported is never listed; and if every device stops, event time stops and
-- the view stands still. The exact answer on the server's clock, at any silence length, is a
-- snapshot query: SELECT device, last_seen FROM temp_anomaly
--                  WHERE last_seen < now() - INTERVAL '10' SECOND
CREATE VIEW alert_device_silent WITH (keep = '5s') AS
  SELECT device, site, window_start, window_end,
         max(ts) AS last_seen,
         window_end - max(ts) AS silent_ms,
         last(battery) AS battery
  FROM HOP(readings, INTERVAL '5' SECOND, INTERVAL '5' MINUTE)
  GROUP BY device, site, window_start, window_end
  HAVING window_end - max(ts) >= INTERVAL '10' SECOND
  EMIT FINAL;
