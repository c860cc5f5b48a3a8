-- count(*), count(x), sum, avg, min, max with NULLs: NULL values are skipped; a group with no
-- values has count(x) 0 and NULL sum/avg/min/max. min/max also order STRINGs.
CREATE STREAM items (cat STRING, qty BIGINT, price DOUBLE, name STRING, ts TIMESTAMP)
  WITH (timestamp = 'ts');

CREATE VIEW basics AS
  SELECT cat, count(*) AS events, count(price) AS priced, sum(qty) AS units, sum(price) AS revenue,
         avg(price) AS avg_price, min(price) AS low, max(price) AS high,
         min(name) AS first_name, max(name) AS last_name
  FROM items GROUP BY cat;
