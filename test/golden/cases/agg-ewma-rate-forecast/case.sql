-- ewma (arrival order), rate(*) (events per second of the window; without a window, over the
-- span of event times) and forecast (Holt, alpha 0.5 and beta 0.3, over values in event-time order).
CREATE STREAM load (host STRING, cpu DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '10s');

CREATE VIEW load_10s AS
  SELECT host, window_start, rate(*) AS per_second, ewma(cpu, 0.5) AS smooth
  FROM TUMBLE(load, INTERVAL '10' SECOND)
  GROUP BY host, window_start, window_end;

CREATE VIEW load_trend AS
  SELECT host, rate(*) AS per_second, ewma(cpu, 0.5) AS smooth, forecast(cpu, 0) AS level,
         forecast(cpu, 2) AS ahead2
  FROM load GROUP BY host;
