-- Retention (docs/retention.md) and the append-only history (docs/database.md).
--
-- Settled experiments are pruned after a retention period, but their history is kept: transitions,
-- RCA records and the audit log are never deleted, and a deleted experiment row is first copied into
-- experiments_archive, by a trigger, whoever deletes it. Transitions and RCA records therefore may
-- outlive the experiments row they name; their foreign keys become an insert-time check instead.

-- Whatever deletes an experiment archives it first: the row as it was, with its identity in columns.
CREATE TABLE experiments_archive (
    id                text PRIMARY KEY,
    service           text        NOT NULL,
    namespace         text        NOT NULL,
    candidate_version text        NOT NULL,
    candidate_image   text        NOT NULL,
    phase             text        NOT NULL,
    submitted_at      timestamptz NOT NULL,
    submitted_by      text        NOT NULL,
    settled_at        timestamptz NOT NULL, -- the row's last update: when it reached its final phase
    archived_at       timestamptz NOT NULL,
    experiment        jsonb       NOT NULL  -- every column of the deleted row
);
CREATE INDEX experiments_archive_by_service ON experiments_archive (service, submitted_at);
CREATE TRIGGER experiments_archive_append_only BEFORE UPDATE OR DELETE ON experiments_archive
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE FUNCTION archive_experiment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO experiments_archive (id, service, namespace, candidate_version, candidate_image, phase,
                                     submitted_at, submitted_by, settled_at, archived_at, experiment)
    VALUES (OLD.id, OLD.service, OLD.namespace, OLD.candidate_version, OLD.candidate_image, OLD.phase,
            OLD.submitted_at, OLD.submitted_by, OLD.updated_at, now(), to_jsonb(OLD))
    ON CONFLICT (id) DO NOTHING;
    RETURN OLD;
END $$;
CREATE TRIGGER experiments_archived_on_delete BEFORE DELETE ON experiments
    FOR EACH ROW EXECUTE FUNCTION archive_experiment();

-- A transition or RCA record still needs a live experiment when it is written (as the foreign key
-- required), but it stays when the experiment is archived. KEY SHARE blocks a concurrent delete of
-- the experiment until the writing transaction ends, as the foreign key's check did.
ALTER TABLE transitions DROP CONSTRAINT IF EXISTS transitions_experiment_id_fkey;
ALTER TABLE rca_records DROP CONSTRAINT IF EXISTS rca_records_experiment_id_fkey;
CREATE FUNCTION require_experiment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM experiments WHERE id = NEW.experiment_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('%s: experiment %s does not exist', TG_TABLE_NAME, NEW.experiment_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER transitions_need_experiment BEFORE INSERT ON transitions
    FOR EACH ROW EXECUTE FUNCTION require_experiment();
CREATE TRIGGER rca_records_need_experiment BEFORE INSERT ON rca_records
    FOR EACH ROW EXECUTE FUNCTION require_experiment();

-- RCA records are append-only except for the release of an open quarantine, set once.
CREATE FUNCTION rca_release_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.released_at IS NOT NULL
        OR (NEW.id, NEW.experiment_id, NEW.service, NEW.candidate_version, NEW.candidate_image,
            NEW.record, NEW.recorded_at)
           IS DISTINCT FROM (OLD.id, OLD.experiment_id, OLD.service, OLD.candidate_version,
            OLD.candidate_image, OLD.record, OLD.recorded_at) THEN
        RAISE EXCEPTION 'rca_records is append-only: only the release of an open quarantine may be set';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER rca_records_release_only BEFORE UPDATE ON rca_records
    FOR EACH ROW EXECUTE FUNCTION rca_release_only();
CREATE TRIGGER rca_records_append_only BEFORE DELETE ON rca_records
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Row triggers do not see TRUNCATE; statement triggers refuse it, for the owner too.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER transitions_no_truncate BEFORE TRUNCATE ON transitions
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER rca_records_no_truncate BEFORE TRUNCATE ON rca_records
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER experiments_archive_no_truncate BEFORE TRUNCATE ON experiments_archive
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- What the retention sweeper looks for. The append-mostly tables get BRIN indexes: tiny, and
-- nearly free on the hot insert path.
CREATE INDEX health_windows_by_end ON health_windows USING brin (window_end);
CREATE INDEX processed_events_by_time ON processed_events USING brin (processed_at);
CREATE INDEX outbox_done ON outbox (done_at) WHERE status = 'DONE';
CREATE INDEX dead_letters_by_recorded ON dead_letters (recorded_at);
CREATE INDEX experiments_settled ON experiments (updated_at)
    WHERE phase IN ('PROMOTED', 'QUARANTINED', 'ABORTED', 'RELEASED');
