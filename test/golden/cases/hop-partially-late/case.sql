-- HOP (slide 10s, size 20s) with 5s lateness: an out-of-order event whose older window is closed
-- but whose newer window is open updates only the open one and is not late; an event whose
-- windows are all closed is dropped and counted.
CREATE STREAM clicks (page STRING, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '5s');

CREATE VIEW clicks_hop AS
  SELECT page, window_start, window_end, count(*) AS clicks
  FROM HOP(clicks, INTERVAL '10' SECOND, INTERVAL '20' SECOND)
  GROUP BY page, window_start, window_end;
