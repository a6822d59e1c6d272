/**
 * The real servers Aegis talks to, and how they start.
 *
 * <p>Production points Aegis at an external PostgreSQL ({@code DATABASE_URL}) and Kafka ({@code
 * KAFKA_BOOTSTRAP_SERVERS}). With neither set, Aegis starts real in-process servers instead: an
 * embedded PostgreSQL (server binaries from Maven Central, data kept under {@code ~/.aegis}) and a
 * single-node KRaft Kafka broker, so one command on a fresh machine runs the whole lifecycle. The
 * same classes start the shared servers of the component tests: there are no fakes of either.
 *
 * <p>Entry points: {@link dev.aegis.orchestrator.standalone.infrastructure.DatabaseConfiguration}
 * and {@link dev.aegis.orchestrator.standalone.infrastructure.KafkaBootstrapConfiguration}.
 */
package dev.aegis.orchestrator.standalone.infrastructure;
