-- A running canary's state on the step-sample journal (issue 15, ADR-017).
--
-- A consumer batch that only adds windows to a CANARY experiment (same phase, step, actuation and
-- silence) no longer rewrites its row: it appends the windows' samples, and the last of them carries
-- the state the write would have put on the row (a "state row"). At 10 000 running experiments every
-- event paid one row UPDATE; now it pays one journal INSERT, which it paid already.
--
-- Where an experiment's state is:
--   * every write appends at least one journal row at the tail it read (max(seq) + 1), so the
--     primary key (experiment_id, seq) lets only one of two writers that read the same tail commit;
--     a write of the row that adds no sample appends a "fence" (no track, no faults: replay skips it)
--     without counting it in samples_to;
--   * a row write sets samples_to past its own samples, so the rows at or past the row's samples_to
--     are the journal-only writes since (and fences). The newest state row among them holds the
--     current progress, revision, last window and write token; the newest that stored a judgment
--     holds the judgment (a state row stores none while the judgment stays as it was). Without one,
--     the row holds them, as before.
--
-- experiments_current gives every experiment as it is now; every read of the state goes through it.
-- Writes go to experiments and step_samples. A column added to experiments must be added here too.
ALTER TABLE step_samples
    ADD COLUMN revision       bigint,       -- on a state row only: the experiment's revision after it
    ADD COLUMN progress       text,         -- the row's progress column as the write left it (text:
                                             -- the server does not parse it on the hot path; the
                                             -- view casts it to json when it is read)
    ADD COLUMN last_judgment  text,         -- null: the judgment stays as it was
    ADD COLUMN last_window_at timestamptz,
    ADD COLUMN token          bigint;       -- the write token (samples_token)

CREATE VIEW experiments_current AS
SELECT e.id, e.service, e.namespace, e.candidate_version, e.candidate_image, e.policy, e.phase,
       e.step_index,
       COALESCE(s.progress::json, e.progress)           AS progress,
       COALESCE(j.last_judgment::json, e.last_judgment) AS last_judgment,
       COALESCE(j.seq + 1, e.samples_to)                AS judgment_to,  -- a draft's range ends here
       e.production_version,
       COALESCE(s.revision, e.version)                  AS version,
       e.version                                        AS row_version,
       e.submitted_at, e.submitted_by, e.origin, e.step_entered_at,
       CASE WHEN s.seq IS NULL THEN e.last_window_at ELSE s.last_window_at END AS last_window_at,
       e.silent,
       COALESCE(s.written_at, e.updated_at)             AS updated_at,
       e.router, e.quarantine_shape, e.actuation, e.settled_at,
       e.samples_from,
       COALESCE(t.seq + 1, e.samples_to)                AS samples_to,
       COALESCE(s.token, e.samples_token)               AS samples_token
FROM experiments e
LEFT JOIN LATERAL (
    SELECT x.seq, x.revision, x.progress, x.last_window_at, x.token, x.written_at
    FROM step_samples x
    WHERE x.experiment_id = e.id AND x.seq >= e.samples_to AND x.revision IS NOT NULL
    ORDER BY x.seq DESC LIMIT 1) s ON true
LEFT JOIN LATERAL (
    SELECT x.seq, x.last_judgment
    FROM step_samples x
    WHERE x.experiment_id = e.id AND x.seq >= e.samples_to AND x.last_judgment IS NOT NULL
    ORDER BY x.seq DESC LIMIT 1) j ON true
LEFT JOIN LATERAL (
    SELECT x.seq
    FROM step_samples x
    WHERE x.experiment_id = e.id AND x.seq >= e.samples_to
    ORDER BY x.seq DESC LIMIT 1) t ON true;
