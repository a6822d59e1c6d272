-- Every batch rewrites the row of each live experiment it judges. The retention sweep's index on
-- updated_at (partial, settled experiments only) still made each of those writes insert into every
-- index of the table: PostgreSQL updates a row in place (heap-only, HOT) only when no indexed column,
-- predicate columns included, changes. The sweep now finds settled experiments by settled_at, which
-- only a write of a settled experiment sets, and pages keep room for the next version of a row.
ALTER TABLE experiments ADD COLUMN settled_at timestamptz;
UPDATE experiments SET settled_at = updated_at
    WHERE phase IN ('PROMOTED', 'QUARANTINED', 'ABORTED', 'RELEASED');
DROP INDEX experiments_settled;
CREATE INDEX experiments_settled ON experiments (settled_at) WHERE settled_at IS NOT NULL;
ALTER TABLE experiments SET (fillfactor = 70);
