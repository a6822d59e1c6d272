/**
 * Real servers for component tests, shared by every test class of one JVM.
 *
 * <p>Annotate a Spring test with {@link dev.aegis.orchestrator.testsupport.AegisComponentTest}: the
 * context gets a fresh PostgreSQL database on the shared embedded server (or, on request, a
 * dedicated server the test can stop and restart) and the shared in-process KRaft broker. Tests
 * publish and read raw records through {@link dev.aegis.orchestrator.testsupport.SharedKafka}.
 * Tests without Spring use {@link dev.aegis.orchestrator.testsupport.SharedInfrastructure}
 * directly.
 */
package dev.aegis.orchestrator.testsupport;
