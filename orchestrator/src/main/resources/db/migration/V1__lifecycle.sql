-- Aegis lifecycle schema. Every table an event touches is written in ONE transaction per batch:
-- processed-event markers, experiment state, transitions, health windows, outbox rows, RCA records.

-- A service becomes managed with its first experiment.
CREATE TABLE services (
    name                        text PRIMARY KEY,
    namespace                   text        NOT NULL,
    production_version          text,
    previous_production_version text,
    managed_since               timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL
);

CREATE TABLE experiments (
    id                 text PRIMARY KEY,
    service            text        NOT NULL REFERENCES services (name),
    namespace          text        NOT NULL,
    candidate_version  text        NOT NULL,
    candidate_image    text        NOT NULL,
    policy             jsonb       NOT NULL,
    phase              text        NOT NULL,
    step_index         integer     NOT NULL,
    progress           jsonb       NOT NULL,
    last_judgment      jsonb,
    production_version text,
    version            bigint      NOT NULL, -- the core's revision; optimistic locking
    submitted_at       timestamptz NOT NULL,
    submitted_by       text        NOT NULL,
    origin             text        NOT NULL, -- rest | kafka
    step_entered_at    timestamptz,
    last_window_at     timestamptz,
    silent             boolean     NOT NULL DEFAULT false,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX experiments_by_service ON experiments (service, submitted_at);
CREATE INDEX experiments_by_phase ON experiments (phase);
-- The lifecycle's central invariant, held by the database too: one live canary per service.
CREATE UNIQUE INDEX experiments_one_live_per_service
    ON experiments (service) WHERE phase IN ('CANARY', 'PAUSED', 'ROLLING_BACK');

-- Append-only: every move of every experiment, with its evidence.
CREATE TABLE transitions (
    id            bigserial PRIMARY KEY,
    experiment_id text        NOT NULL REFERENCES experiments (id),
    from_phase    text,
    to_phase      text        NOT NULL,
    trigger       text        NOT NULL,
    step          integer     NOT NULL,
    weight        integer     NOT NULL,
    reason        text        NOT NULL,
    actor         text        NOT NULL,
    evidence      jsonb,
    caused_by     text,       -- the event (source/id) or request that caused it
    at            timestamptz NOT NULL
);
CREATE INDEX transitions_by_experiment ON transitions (experiment_id, id);

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER transitions_append_only BEFORE UPDATE OR DELETE ON transitions
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Every health window of a managed service: canary evidence, baseline, and production (V2) health.
CREATE TABLE health_windows (
    id             bigserial PRIMARY KEY,
    service        text             NOT NULL,
    version        text             NOT NULL,
    track          text             NOT NULL,
    window_start   timestamptz      NOT NULL,
    window_end     timestamptz      NOT NULL,
    requests       bigint           NOT NULL,
    errors         bigint           NOT NULL,
    p50_ms         double precision NOT NULL,
    p95_ms         double precision NOT NULL,
    p99_ms         double precision NOT NULL,
    cpu            double precision,
    memory         double precision,
    experiment_id  text,   -- set when the window counted toward an experiment's step
    step           integer,
    event_source   text             NOT NULL,
    event_id       text             NOT NULL,
    received_at    timestamptz      NOT NULL
);
CREATE INDEX health_windows_by_service ON health_windows (service, window_end);
CREATE INDEX health_windows_by_experiment ON health_windows (experiment_id, step) WHERE experiment_id IS NOT NULL;

-- The inbox: one row per consumed event, by CloudEvents identity (source + id). A redelivered event
-- finds its row and does nothing. Undecodable records have no identity; they are keyed by their
-- Kafka coordinates instead (source kafka://topic/partition, id = offset).
CREATE TABLE processed_events (
    source       text        NOT NULL,
    event_id     text        NOT NULL,
    type         text,
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    kafka_offset bigint      NOT NULL,
    outcome      text        NOT NULL, -- applied | refused | stored | dead-lettered
    detail       text,
    processed_at timestamptz NOT NULL,
    PRIMARY KEY (source, event_id)
);

-- The outbox: commands and outgoing events, written with the decision, carried out after commit.
CREATE TABLE outbox (
    seq             bigserial PRIMARY KEY,           -- publication order
    id              text        NOT NULL UNIQUE,     -- command id / CloudEvent id; idempotency key
    kind            text        NOT NULL,            -- event | actuation | dead-letter
    type            text        NOT NULL,            -- CloudEvent type or command kind
    experiment_id   text,
    topic           text,
    message_key     text,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING', -- PENDING | DONE | BLOCKED
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    created_at      timestamptz NOT NULL,
    done_at         timestamptz,
    version         integer     NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (kind, next_attempt_at, seq) WHERE status = 'PENDING';

-- Dead letters, recorded from the aegis.dlq topic (the topic is the source of truth, so a dead
-- letter written while this database was down is still recorded once it is back).
CREATE TABLE dead_letters (
    id                 bigserial PRIMARY KEY,
    original_topic     text        NOT NULL,
    original_partition integer     NOT NULL,
    original_offset    bigint      NOT NULL,
    message_key        bytea,
    value              bytea,
    headers            jsonb       NOT NULL, -- [{"name": ..., "value": base64}], original headers only
    reason_code        text        NOT NULL,
    reason             text        NOT NULL,
    error_class        text,
    event_type         text,
    event_source       text,
    event_id           text,
    first_failed_at    timestamptz NOT NULL,
    recorded_at        timestamptz NOT NULL,
    replay_count       integer     NOT NULL DEFAULT 0,
    last_replayed_at   timestamptz,
    last_replayed_by   text,
    UNIQUE (original_topic, original_partition, original_offset)
);
CREATE INDEX dead_letters_by_reason ON dead_letters (reason_code, first_failed_at);

CREATE TABLE rca_records (
    id                text PRIMARY KEY, -- the quarantined experiment's id
    experiment_id     text        NOT NULL REFERENCES experiments (id),
    service           text        NOT NULL,
    candidate_version text        NOT NULL,
    candidate_image   text        NOT NULL,
    record            jsonb       NOT NULL,
    recorded_at       timestamptz NOT NULL,
    released_at       timestamptz,
    released_by       text,
    release_reason    text
);
-- Quarantine is a memory: an image in V3 is refused until released.
CREATE INDEX rca_records_open_by_image ON rca_records (candidate_image) WHERE released_at IS NULL;

CREATE TABLE chaos_faults (
    fault_id   text PRIMARY KEY,
    service    text        NOT NULL,
    track      text        NOT NULL,
    kind       text        NOT NULL,
    started_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    cleared_at timestamptz,
    event_id   text        NOT NULL
);
CREATE INDEX chaos_faults_by_service ON chaos_faults (service, started_at);

CREATE TABLE audit_log (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL,
    actor  text        NOT NULL,
    action text        NOT NULL,
    target text,
    detail jsonb
);
CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
