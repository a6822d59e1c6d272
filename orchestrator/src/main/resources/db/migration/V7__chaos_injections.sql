-- Faults Aegis's chaos module put on the cluster: what was asked, by whom, how it was done, its deadline
-- and the steps that undo it. The sweeper reverts every ACTIVE fault past its deadline, also after a
-- restart; a fault whose injection was cut short by a crash (INJECTING) is cleaned up the same way.
-- Distinct from chaos_faults, which records the fault announcements read from aegis.chaos (from Aegis
-- itself or any other chaos tool) to tag health windows.
CREATE TABLE chaos_injections (
    fault_id        text PRIMARY KEY,
    namespace       text NOT NULL,
    service         text NOT NULL,
    track           text NOT NULL,
    kind            text NOT NULL,
    experiment_id   text,
    production      boolean NOT NULL,
    spec            jsonb NOT NULL,
    state           text NOT NULL CHECK (state IN ('INJECTING', 'ACTIVE', 'REVERTED', 'FAILED')),
    mechanism       text,
    reverts         jsonb NOT NULL DEFAULT '[]',
    affected_pods   jsonb NOT NULL DEFAULT '[]',
    summary         text,
    requested_by    text NOT NULL,
    reason          text,
    started_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    ended_by        text,
    end_reason      text,
    revert_attempts integer NOT NULL DEFAULT 0,
    next_revert_at  timestamptz,
    last_error      text
);
CREATE INDEX chaos_injections_live ON chaos_injections (expires_at) WHERE state IN ('INJECTING', 'ACTIVE');
CREATE INDEX chaos_injections_by_service ON chaos_injections (namespace, service, started_at);

-- The kill switch: while halted, no fault can be injected; one row, written by whoever pulled it.
CREATE TABLE chaos_switch (
    id          smallint PRIMARY KEY CHECK (id = 1),
    halted      boolean NOT NULL,
    changed_by  text NOT NULL,
    reason      text,
    changed_at  timestamptz NOT NULL
);
