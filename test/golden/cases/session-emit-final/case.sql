-- SESSION with EMIT FINAL: nothing is emitted while a session is open, sessions merged before
-- closing emit nothing for the absorbed part, and each closed session is emitted exactly once.
CREATE STREAM game_events (player STRING, score DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '5s');

CREATE VIEW final_sessions AS
  SELECT player, window_start, window_end, count(*) AS events, sum(score) AS total
  FROM SESSION(game_events, INTERVAL '10' SECOND)
  GROUP BY player, window_start, window_end
  EMIT FINAL;
