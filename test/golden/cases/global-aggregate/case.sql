-- Aggregates without GROUP BY: a single running row (empty key), and a windowed view whose only
-- key is window_start (added as a column because the select list leaves it out).
CREATE STREAM pings (host STRING, ms DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '0s');

CREATE VIEW totals AS
  SELECT count(*) AS n, sum(ms) AS total_ms, avg(ms) AS avg_ms FROM pings;

CREATE VIEW per_10s AS
  SELECT count(*) AS n, max(ms) AS worst FROM TUMBLE(pings, INTERVAL '10' SECOND);
