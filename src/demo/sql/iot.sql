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

-- Anomaly score per device: zscore(temp) is the latest reading's distance from the device's mean
-- since its first reading, in standard deviations (the baseline is the whole history: a device
-- that drifts scores higher and higher). Order by abs_z for the most anomalous devices.
CREATE VIEW temp_anomaly WITH (emit_interval = '1s') AS
  SELECT device,
         last(temp) AS temp,
         avg(temp) AS baseline_temp,
         stddev(temp) AS baseline_sd,
         zscore(temp) AS z,
         abs(zscore(temp)) AS abs_z,
         count(*) AS readings
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

-- Alert: devices that went silent. A session is a run of readings less than 10 s apart; with EMIT
-- FINAL a session's row appears only once it has ended, i.e. once the stream's other devices have
-- moved event time 10 s (plus the lateness) past the device's last reading: the device has been
-- silent that long. last_seen is its last reading. Rows leave five minutes after the session ends;
-- a device that comes back starts a new session (and a new row when it fails again).
CREATE VIEW alert_device_silent WITH (keep = '5m') AS
  SELECT device, window_start, window_end,
         max(ts) AS last_seen,
         count(*) AS readings,
         last(battery) AS battery
  FROM SESSION(readings, INTERVAL '10' SECOND)
  GROUP BY device, window_start, window_end
  EMIT FINAL;
