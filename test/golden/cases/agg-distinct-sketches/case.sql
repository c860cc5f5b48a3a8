-- count_distinct (exact), approx_count_distinct (exact while small), approx_percentile (lower
-- rank floor(q * (n - 1)); exact at the extremes, within 1% between) and top_k(hashtags(text), k)
-- (count descending, ties by value ascending).
CREATE STREAM posts (topic STRING, user_id STRING, len DOUBLE, text STRING, ts TIMESTAMP)
  WITH (timestamp = 'ts');

CREATE VIEW post_stats AS
  SELECT topic, count_distinct(user_id) AS users, approx_count_distinct(user_id) AS approx_users,
         approx_percentile(len, 0) AS p0, approx_percentile(len, 0.5) AS p50,
         approx_percentile(len, 0.9) AS p90, approx_percentile(len, 1) AS p100,
         top_k(hashtags(text), 2) AS top_tags, top_k(user_id, 1) AS top_user
  FROM posts GROUP BY topic;
