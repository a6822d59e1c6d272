package dev.aegis.orchestrator.standalone.demo;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The standalone demo ({@code aegis.simulator.*}): demo services seeded into the in-process
 * Kubernetes API, a workload simulator publishing their health, and two demo experiments (one good,
 * one bad). Runs only with the in-process cluster ({@code aegis.kubernetes.mode=embedded}), and by
 * default only when Kafka and PostgreSQL are in-process too ({@link DemoCondition}); {@code
 * aegis.simulator.enabled=false} leaves the broker to health events from outside.
 *
 * @param namespace where the demo services live
 * @param tick length of each simulated health window, and how often one is published per service
 *     and track
 * @param requestsPerSecond traffic of each demo service, split between stable and canary by the
 *     weight read back from the cluster
 * @param stepDuration minDuration of each canary step of the demo experiments (10/50/100%)
 * @param experiments whether the two demo experiments are submitted at start
 * @param podStartDelay how long a pod that replaces a lost one (a chaos pod-kill) takes to become
 *     ready
 */
@ConfigurationProperties("aegis.simulator")
public record SimulatorProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("demo") String namespace,
    @DefaultValue("1s") Duration tick,
    @DefaultValue("1000") int requestsPerSecond,
    @DefaultValue("PT15S") Duration stepDuration,
    @DefaultValue("true") boolean experiments,
    @DefaultValue("PT5S") Duration podStartDelay) {}
