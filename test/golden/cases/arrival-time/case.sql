-- A stream without a timestamp column: events take the clock's time on arrival, and advanceTo
-- moves the watermark (now - lateness), which closes windows with no event arriving.
CREATE STREAM logins (user_name STRING) WITH (lateness = '500ms');

CREATE VIEW logins_1s AS
  SELECT user_name, window_start, window_end, count(*) AS n
  FROM TUMBLE(logins, INTERVAL '1' SECOND)
  GROUP BY user_name, window_start, window_end
  EMIT FINAL;

CREATE VIEW logins_live AS
  SELECT user_name, window_start, count(*) AS n
  FROM TUMBLE(logins, INTERVAL '1' SECOND)
  GROUP BY user_name, window_start, window_end;
