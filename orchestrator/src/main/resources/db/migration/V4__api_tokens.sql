-- API tokens for automation (issue 11). Only a SHA-256 digest of each token is stored: the token is
-- shown once, when it is made. A token is scoped to roles and namespaces, expires, and can be revoked;
-- revoked and expired rows are kept (who made it, who revoked it) for the audit trail.
CREATE TABLE api_tokens (
    id           text        PRIMARY KEY,
    name         text        NOT NULL,
    digest       bytea       NOT NULL UNIQUE,
    roles        text        NOT NULL,
    namespaces   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    revoked_by   text,
    last_used_at timestamptz,
    CONSTRAINT api_tokens_name_length CHECK (char_length(name) BETWEEN 1 AND 128)
);

CREATE INDEX api_tokens_active ON api_tokens (expires_at) WHERE revoked_at IS NULL;
