-- Notifications (issue 16, ADR-011): one row per (event, channel), written in the transaction of the
-- decision that caused it, delivered after commit by the notification relay. The id is the idempotency
-- key (<event id>@<channel>), sent to the receiver with every attempt. Rows are small state machines:
-- PENDING (attempts, next attempt, last error) -> DELIVERED, or FAILED after the last attempt.
-- Rows delivered together as one digest share digest_id, fixed at their first attempt, so a retried
-- digest carries the same members and the same key.
CREATE TABLE notifications (
    seq             bigserial PRIMARY KEY,
    id              text        NOT NULL UNIQUE,
    channel         text        NOT NULL,
    kind            text        NOT NULL,              -- quarantined | rolled-back | promoted | paused | ...
    severity        text        NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    namespace       text,
    service         text,
    experiment_id   text,
    title           text        NOT NULL,
    payload         jsonb       NOT NULL,              -- the rendered notification (see Notification)
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    digest_id       text,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    version         integer     NOT NULL DEFAULT 0
);
CREATE INDEX notifications_due ON notifications (channel, next_attempt_at, seq) WHERE status = 'PENDING';
CREATE INDEX notifications_by_experiment ON notifications (experiment_id, seq);
CREATE INDEX notifications_recent ON notifications (created_at);

-- The routing rules as last set over the API; while absent, the configured rules apply. One row.
CREATE TABLE notification_routes (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    routes      jsonb       NOT NULL,
    updated_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     integer     NOT NULL DEFAULT 0
);

-- DLQ growth alerts already raised, one per window, so every replica raises each only once.
CREATE TABLE notification_dlq_marks (
    window_start timestamptz PRIMARY KEY,
    dead_letters integer     NOT NULL,
    raised_at    timestamptz NOT NULL
);
