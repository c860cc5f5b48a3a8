-- Sample stddev/variance, regr_slope, regr_intercept, corr and zscore: exact small cases, plus a
-- group with one value (all NULL) and one whose x never varies.
CREATE STREAM points (grp STRING, x DOUBLE, y DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');

CREATE VIEW stats AS
  SELECT grp, stddev(y) AS sd, variance(y) AS var, regr_slope(y, x) AS slope,
         regr_intercept(y, x) AS intercept, corr(y, x) AS r, zscore(y) AS z, count(*) AS n
  FROM points GROUP BY grp;
