-- SESSION lateness: an event is late only when the session it belongs to is closed. An event
-- whose own [t, t + gap) is already behind the watermark still joins an open session that
-- overlaps it (and may move its start earlier); without one it is late.
CREATE STREAM game_events (player STRING, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '10s');

CREATE VIEW play_sessions AS
  SELECT player, window_start, window_end, count(*) AS events
  FROM SESSION(game_events, INTERVAL '10' SECOND)
  GROUP BY player, window_start, window_end;
