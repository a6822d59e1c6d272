-- The experiment row's state documents are stored as json (their text, validated) instead of jsonb.
-- Every batch writes the progress of each experiment it judged, and every few seconds its judgment;
-- as jsonb the server parsed each document into its binary form, numbers converted to numeric, and
-- printed it back to text on every read. Nothing queries inside these documents (the application
-- reads them whole), the archive trigger's to_jsonb(OLD) still nests them as objects, and
-- `progress::jsonb -> 'windows'` still works in psql. Measured: docs/benchmarks.md.
ALTER TABLE experiments
    ALTER COLUMN progress TYPE json USING progress::json,
    ALTER COLUMN last_judgment TYPE json USING last_judgment::json,
    ALTER COLUMN actuation TYPE json USING actuation::json;
