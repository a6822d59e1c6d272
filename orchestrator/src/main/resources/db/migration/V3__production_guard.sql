-- Production (V2) auto-remediation: what the guard remembers of each service between windows
-- (breaches in progress, when it last acted), so a restart neither forgets a breach nor acts twice.
CREATE TABLE production_guards (
    service    text PRIMARY KEY REFERENCES services (name),
    state      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL
);
