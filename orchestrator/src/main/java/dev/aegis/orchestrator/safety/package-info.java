/**
 * Production fail-fast: before any bean or embedded server starts, Aegis refuses a start that would
 * be unsafe in production, with one message that lists every problem and its fix
 * (docs/production.md).
 *
 * <p>The checks apply when the {@code production} profile is active, or when any external server is
 * configured (Kafka, PostgreSQL or a Kubernetes cluster) unless {@code
 * aegis.security.development=true} says the setup is a development one. {@link
 * dev.aegis.orchestrator.safety.StartupFacts} reads what the checks need from the environment,
 * {@link dev.aegis.orchestrator.safety.StartupSafety#check} decides (a pure function), and {@link
 * dev.aegis.orchestrator.safety.StartupSafetyCheck} is the hook that runs it.
 */
package dev.aegis.orchestrator.safety;
