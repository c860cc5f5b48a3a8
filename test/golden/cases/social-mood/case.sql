-- SPEC's mood view: avg(sentiment(text)), approx_count_distinct(user_id) and
-- top_k(hashtags(text), k) per topic and 10s window.
CREATE STREAM posts (topic STRING, user_id STRING, text STRING, ts TIMESTAMP)
  WITH (timestamp = 'ts');

CREATE VIEW mood AS
  SELECT topic, window_start, window_end, avg(sentiment(text)) AS mood,
         approx_count_distinct(user_id) AS users, top_k(hashtags(text), 2) AS top_tags
  FROM TUMBLE(posts, INTERVAL '10' SECOND)
  GROUP BY topic, window_start, window_end;
