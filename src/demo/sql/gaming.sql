-- Gaming: players in matches produce kills, scores and purchases. Players come and go, so their
-- play forms sessions. Change any view with `vane sql` while the demo runs.

-- One event per game event; `event_id` de-duplicates a batch sent twice.
CREATE STREAM game_events (
  event_id STRING,
  match_id STRING,
  player   STRING,
  kind     STRING,      -- 'kill', 'score' or 'purchase'
  points   BIGINT,      -- points the event earned (0 for purchases)
  amount   DOUBLE,      -- purchase price in USD (0 otherwise)
  ts       TIMESTAMP
) WITH (timestamp = 'ts', id = 'event_id', lateness = '2s', retention = '10m');

-- The leaderboard: every player's total score. Meant for a top-N subscription:
-- order_by score desc, limit 10 keeps a live top 10 (the server maintains it incrementally).
CREATE VIEW leaderboard WITH (emit_interval = '250ms') AS
  SELECT player,
         sum(points) AS score,
         sum(CASE WHEN kind = 'kill' THEN 1 ELSE 0 END) AS kills,
         count(*) AS events,
         last(match_id) AS match_id
  FROM game_events
  GROUP BY player;

-- Play sessions: a session is a run of a player's events less than 20 s apart. Rows update while
-- the session is live (EMIT CHANGES); played_ms is its length so far, first to last event (a
-- session's window_end is its last event + the 20 s gap). A session ends 20 s after its last
-- event; it leaves the view five minutes later.
CREATE VIEW play_sessions WITH (keep = '5m', emit_interval = '1s') AS
  SELECT player, window_start, window_end,
         max(ts) - min(ts) AS played_ms,
         count(*) AS events,
         sum(points) AS points
  FROM SESSION(game_events, INTERVAL '20' SECOND)
  GROUP BY player, window_start, window_end;

-- Events per second by type, one point per 5 s: rate(*) is the window's events divided by its
-- length. EMIT FINAL, because an open window's rate would still be climbing.
CREATE VIEW events_per_second WITH (keep = '2m') AS
  SELECT kind, window_start, window_end,
         rate(*) AS per_second, count(*) AS events
  FROM TUMBLE(game_events, INTERVAL '5' SECOND)
  GROUP BY kind, window_start, window_end
  EMIT FINAL;

-- Revenue per minute: purchases only.
CREATE VIEW revenue_1m WITH (keep = '10m') AS
  SELECT window_start, window_end,
         sum(amount) AS revenue, count(*) AS purchases,
         approx_count_distinct(player) AS buyers
  FROM TUMBLE(game_events, INTERVAL '1' MINUTE)
  WHERE kind = 'purchase'
  GROUP BY window_start, window_end;
