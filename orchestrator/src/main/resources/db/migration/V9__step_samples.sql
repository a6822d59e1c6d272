-- Step samples (issue 15): the per-window samples a step's statistics use, moved out of the experiment
-- row into an append-only journal, so that the row keeps fixed-size state and a consumed batch appends
-- one row per window instead of rewriting every sample as JSON.
--
-- An experiment's current samples are its rows with samples_from <= seq < samples_to, replayed in seq
-- order (StepEvidence.replay). A window appends one row; when the samples change otherwise (a new step
-- carries only its comparison windows over, or neighbours are merged beyond 60 per track) the whole
-- evidence is written afresh as seed rows and samples_from moves past the superseded rows, which the
-- retention sweep prunes. samples_token changes with every write of the experiment: a replica's cache
-- of replayed samples is valid only while the row still carries the token it was cached with.
CREATE TABLE step_samples (
    experiment_id text             NOT NULL,  -- no foreign key: a per-row check would cost the hot path
                                               -- more than the insert; the trigger below deletes with it
    seq           bigint           NOT NULL,
    track         text             CHECK (track IN ('canary', 'baseline', 'stable')), -- null: faults only
    window_start  timestamptz,
    window_end    timestamptz,
    requests      bigint,
    errors        bigint,
    p95_ms        double precision,
    fault_ids     jsonb,                       -- ids of the chaos faults active on the window
    faults        jsonb,                       -- faults this entry adds to the step's union
    seed          boolean          NOT NULL,   -- restores a stored list as it was (no merging)
    written_at    timestamptz      NOT NULL,
    PRIMARY KEY (experiment_id, seq)
);

ALTER TABLE experiments
    ADD COLUMN samples_from  bigint NOT NULL DEFAULT 0,
    ADD COLUMN samples_to    bigint NOT NULL DEFAULT 0,
    ADD COLUMN samples_token bigint NOT NULL DEFAULT 0;   -- 0: samples still inside progress (before V9)

-- Samples go with their experiment (settled experiments are archived and deleted by the retention sweep).
CREATE FUNCTION delete_step_samples() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM step_samples WHERE experiment_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER step_samples_deleted_with_experiment AFTER DELETE ON experiments
    FOR EACH ROW EXECUTE FUNCTION delete_step_samples();
