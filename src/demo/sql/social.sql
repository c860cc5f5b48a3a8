-- Social: posts on a handful of topics, with hashtags in the text. Every few seconds a topic has a
-- storm of angry posts. Change any view with `vane sql` while the demo runs.

-- One event per post; `post_id` de-duplicates a batch sent twice.
CREATE STREAM posts (
  post_id STRING,
  user_id STRING,
  topic   STRING,
  text    STRING,
  ts      TIMESTAMP
) WITH (timestamp = 'ts', id = 'post_id', lateness = '2s', retention = '10m');

-- Mood per topic every 10 s: sentiment(text) is a lexicon score in about -1..1 (positive = good).
CREATE VIEW topic_sentiment WITH (keep = '5m') AS
  SELECT topic, window_start, window_end,
         avg(sentiment(text)) AS mood,
         sum(CASE WHEN sentiment(text) > 0 THEN 1 ELSE 0 END) AS positive,
         sum(CASE WHEN sentiment(text) < 0 THEN 1 ELSE 0 END) AS negative,
         count(*) AS posts
  FROM TUMBLE(posts, INTERVAL '10' SECOND)
  GROUP BY topic, window_start, window_end;

-- Trending hashtags: the ten most used tags over a minute, a new minute every 10 s (a hopping
-- window; hashtags(text) is the array of a post's tags, and top_k counts each element). EMIT
-- FINAL: a row is a whole minute, so the row with the latest window_end is what trends now.
CREATE VIEW trending_hashtags WITH (keep = '1m') AS
  SELECT window_start, window_end,
         top_k(hashtags(text), 10) AS top_tags,
         count(*) AS posts
  FROM HOP(posts, INTERVAL '10' SECOND, INTERVAL '1' MINUTE)
  GROUP BY window_start, window_end
  EMIT FINAL;

-- Distinct active users per minute (HyperLogLog, about 2 % error; count_distinct is exact but
-- its memory grows with the number of users).
CREATE VIEW active_users_1m WITH (keep = '10m') AS
  SELECT window_start, window_end,
         approx_count_distinct(user_id) AS users,
         count(*) AS posts
  FROM TUMBLE(posts, INTERVAL '1' MINUTE)
  GROUP BY window_start, window_end;

-- Alert: a topic whose mood over 10 s is clearly negative (with enough posts to mean something).
CREATE VIEW alert_negative_storm WITH (keep = '1m') AS
  SELECT topic, window_start, window_end,
         avg(sentiment(text)) AS mood, count(*) AS posts
  FROM TUMBLE(posts, INTERVAL '10' SECOND)
  GROUP BY topic, window_start, window_end
  HAVING avg(sentiment(text)) < -0.2 AND count(*) >= 10;
