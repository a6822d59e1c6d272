-- A replica keeps, between batches, which namespaces manage each service name (how a window without a
-- namespace is resolved, and whether a window's service is managed at all). That is valid while no
-- service is added or removed: every such change draws a new services epoch, in the same transaction,
-- and a batch reads the epoch (one row) instead of looking its names up. The epoch comes from a
-- sequence, so a value drawn by a transaction that rolled back is never drawn again: a replica that
-- cached what such a transaction saw cannot mistake it for the state of a later epoch.
CREATE SEQUENCE services_epoch_seq;
CREATE TABLE services_epoch (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch    bigint NOT NULL
);
INSERT INTO services_epoch (epoch) VALUES (nextval('services_epoch_seq'));

CREATE FUNCTION aegis_services_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE services_epoch SET epoch = nextval('services_epoch_seq');
    RETURN NULL;
END
$$;
CREATE TRIGGER services_epoch AFTER INSERT OR DELETE OR UPDATE OF name, namespace ON services
    FOR EACH ROW EXECUTE FUNCTION aegis_services_changed();
