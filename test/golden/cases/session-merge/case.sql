-- SESSION (gap 10s): a session is [first event, last event + gap); an event within the gap of two
-- sessions merges them (the later session's row is deleted); an earlier event moves a session's
-- start, which changes its key (delete the old key, upsert the new one); a session closes when the
-- watermark reaches its end and a later event for it is late.
CREATE STREAM game_events (player STRING, score DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '30s');

CREATE VIEW play_sessions AS
  SELECT player, window_start, window_end, count(*) AS events, max(score) AS best
  FROM SESSION(game_events, INTERVAL '10' SECOND)
  GROUP BY player, window_start, window_end;
