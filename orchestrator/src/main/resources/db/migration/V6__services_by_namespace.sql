-- Services are keyed by (namespace, name): two 'checkout' services in two namespaces are two services,
-- each with its own production version, its own live experiment, its own guard state and its own
-- health windows. Existing rows keep their data: a service's namespace was already in
-- services.namespace, an experiment's in experiments.namespace.

ALTER TABLE production_guards DROP CONSTRAINT production_guards_service_fkey;
ALTER TABLE experiments DROP CONSTRAINT experiments_service_fkey;
ALTER TABLE services DROP CONSTRAINT services_pkey;
ALTER TABLE services ADD CONSTRAINT services_pkey PRIMARY KEY (namespace, name);
CREATE INDEX services_by_name ON services (name); -- windows without a namespace resolve by name

ALTER TABLE experiments ADD CONSTRAINT experiments_service_fkey
    FOREIGN KEY (namespace, service) REFERENCES services (namespace, name);
DROP INDEX experiments_by_service;
CREATE INDEX experiments_by_service ON experiments (namespace, service, submitted_at);
-- The lifecycle's central invariant, now per (namespace, service).
DROP INDEX experiments_one_live_per_service;
CREATE UNIQUE INDEX experiments_one_live_per_service
    ON experiments (namespace, service) WHERE phase IN ('CANARY', 'PAUSED', 'ROLLING_BACK');

ALTER TABLE production_guards ADD COLUMN namespace text;
UPDATE production_guards g SET namespace = s.namespace FROM services s WHERE s.name = g.service;
ALTER TABLE production_guards ALTER COLUMN namespace SET NOT NULL;
ALTER TABLE production_guards DROP CONSTRAINT production_guards_pkey;
ALTER TABLE production_guards ADD CONSTRAINT production_guards_pkey PRIMARY KEY (namespace, service);
ALTER TABLE production_guards ADD CONSTRAINT production_guards_service_fkey
    FOREIGN KEY (namespace, service) REFERENCES services (namespace, name);

-- Only windows of managed services are stored, so every stored window finds its service's namespace.
ALTER TABLE health_windows ADD COLUMN namespace text;
UPDATE health_windows w SET namespace = s.namespace FROM services s WHERE s.name = w.service;
UPDATE health_windows SET namespace = 'default' WHERE namespace IS NULL; -- none expected; the submission default
ALTER TABLE health_windows ALTER COLUMN namespace SET NOT NULL;
DROP INDEX health_windows_by_service;
CREATE INDEX health_windows_by_service ON health_windows (namespace, service, window_end);

-- A chaos fault may name its namespace; one that does not applies to the service name in every namespace.
ALTER TABLE chaos_faults ADD COLUMN namespace text;
