-- Flyway runs this after every migrate, so the grants follow the schema, new tables included.
-- The application role (placeholder aegis_app_role, see DatabaseRoles) may read and write the
-- working tables, only read and append the history, and set only the release columns of an RCA
-- record. It owns nothing, so it can neither drop nor disable the append-only triggers.
DO $grants$
DECLARE
    app    text := '${aegis_app_role}';
    schema text := current_schema();
BEGIN
    IF app = '' OR app = current_user THEN
        RAISE NOTICE 'Aegis: no separate application role; migrations ran as the application, '
            'whose privileges are therefore not narrowed';
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        RAISE EXCEPTION 'Aegis: the application role % does not exist', app;
    END IF;
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = app) THEN
        RAISE WARNING 'Aegis: the application role % is a superuser; nothing is enforced', app;
    END IF;

    -- Replicas that start together all run this after Flyway's migration lock is released: one at
    -- a time, or a GRANT that meets another's uncommitted change to the same catalog row fails with
    -- "tuple concurrently updated" (GrantsConcurrencyIT).
    PERFORM pg_advisory_xact_lock(hashtext('aegis.afterMigrate.grants'));
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', schema, app);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', schema, app);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', schema, app);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', schema, app);

    -- The history: read and append only.
    EXECUTE format('REVOKE UPDATE, DELETE ON audit_log, transitions, experiments_archive, rca_records '
        'FROM %I', app);
    EXECUTE format('GRANT UPDATE (released_at, released_by, release_reason) ON rca_records TO %I', app);
    EXECUTE format('REVOKE ALL ON %I FROM %I', '${flyway:table}', app);

    -- Nobody but the owner creates objects here, where the schema's owner is the one migrating.
    IF pg_has_role(current_user, (SELECT nspowner FROM pg_namespace WHERE nspname = schema), 'USAGE') THEN
        EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', schema);
        EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', schema, app);
    ELSIF has_schema_privilege(app, schema, 'CREATE') THEN
        RAISE WARNING 'Aegis: the application role % may create objects in schema %', app, schema;
    END IF;
END $grants$;
