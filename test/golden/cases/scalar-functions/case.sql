-- Scalar functions in a view: sentiment, json_get (members, array elements, objects), CASE (simple
-- and searched, over events and over aggregates), coalesce, arithmetic where a NULL operand makes
-- the result NULL (and so is skipped by sum and count), and division by zero giving NULL.
CREATE STREAM posts (topic STRING, text STRING, payload STRING, score DOUBLE, bonus DOUBLE,
                     ts TIMESTAMP)
  WITH (timestamp = 'ts');

CREATE VIEW scalars AS
  SELECT topic,
         CASE topic WHEN 'a' THEN 'first' WHEN 'b' THEN 'second' END AS label,
         sum(sentiment(text)) AS mood,
         last(json_get(payload, 'user.name')) AS last_user,
         last(json_get(payload, 'user')) AS last_user_object,
         count(json_get(payload, 'tags[1]')) AS with_second_tag,
         sum(score + bonus) AS with_bonus,
         sum(coalesce(bonus, 0) + score) AS with_default,
         count(CASE WHEN score >= 10 THEN 1 END) AS high,
         CASE WHEN sum(score) > 20 THEN 'hot' WHEN sum(score) > 10 THEN 'warm' ELSE 'cold' END AS heat,
         max(score) - min(score) AS spread,
         sum(score) / count(bonus) AS per_bonus,
         sum(bonus) * 2 AS double_bonus
  FROM posts GROUP BY topic;
