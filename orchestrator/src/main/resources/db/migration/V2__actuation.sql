-- Kubernetes actuation (issue 3): how each experiment's traffic is routed and what is left of a
-- quarantined candidate, chosen at submission; and what the cluster reported of its commands.
ALTER TABLE experiments
    ADD COLUMN router           text,           -- istio | gateway-api | smi | replica-ratio | NULL = auto
    ADD COLUMN quarantine_shape text,           -- scale-to-zero | keep-isolated | NULL = scale-to-zero
    ADD COLUMN actuation        jsonb;          -- the core's Actuation record; NULL = nothing reported

-- Actuation commands are carried out in order per experiment; the relay looks up the oldest pending one.
CREATE INDEX outbox_actuation_by_experiment ON outbox (experiment_id, seq) WHERE kind = 'actuation' AND status = 'PENDING';
