-- EMIT CHANGES with emit_interval = '1s': advanceTo emits a view when now is within one interval of
-- its emission schedule (one batch per interval on average, at most two in any interval), one batch
-- holding the latest row of every key that changed; keys that did not change, and changes that leave
-- a row as it was, emit nothing.
CREATE STREAM hits (page STRING, ms DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');

CREATE VIEW slowest WITH (emit_interval = '1s') AS
  SELECT page, max(ms) AS worst FROM hits GROUP BY page;

CREATE VIEW counts WITH (emit_interval = '1s') AS
  SELECT page, count(*) AS n FROM hits GROUP BY page;
