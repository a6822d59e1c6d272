package dev.aegis.orchestrator.kubernetes;

import dev.aegis.operators.actuation.ResilienceSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Aegis acts ({@code aegis.kubernetes.*}).
 *
 * @param mode {@code embedded}: an in-process Kubernetes API server (fabric8's, CRUD mode), the
 *     standalone default; {@code external}: the cluster of the kubeconfig or the in-cluster service
 *     account
 * @param embeddedPort port of the in-process API server on 127.0.0.1; 0 picks a free one
 * @param masterUrl external mode only: the API server's URL, overriding the kubeconfig's
 * @param namespace watch {@code Experiment} resources in this namespace only; empty means all
 * @param experimentResources whether the {@code Experiment} custom resource reconciler runs
 * @param relayInterval how often the actuation relay looks for due commands (for retries, lapsed
 *     leases and other replicas' commands: a command this replica decided wakes it at once)
 * @param relayOnCommit whether a transaction that adds commands wakes the actuation relay once it
 *     commits (true), or the commands wait for its next pass (for tests that drive a relay by hand)
 * @param lease how long a relay keeps a claimed command from the others without renewing it; the
 *     relay renews it every third of this while the call runs, so it bounds how long the command of
 *     a replica that died mid-call waits for another replica (Argo Rollouts' leader lease is 15 s),
 *     not how long a call with its retries may take; at least 1 s
 * @param relayConcurrency how many services' commands the actuation relay carries out at the same
 *     time (its worker threads); one service's commands always run in order
 * @param retry resilience4j retry around every API call
 * @param breaker resilience4j circuit breaker around every API call
 */
@ConfigurationProperties("aegis.kubernetes")
public record KubernetesProperties(
    @DefaultValue("embedded") String mode,
    @DefaultValue("0") int embeddedPort,
    @DefaultValue("") String masterUrl,
    @DefaultValue("") String namespace,
    @DefaultValue("true") boolean experimentResources,
    @DefaultValue("200ms") Duration relayInterval,
    @DefaultValue("true") boolean relayOnCommit,
    @DefaultValue("15s") Duration lease,
    @DefaultValue("8") int relayConcurrency,
    @DefaultValue Retry retry,
    @DefaultValue Breaker breaker) {

  /** The shortest actuation lease accepted. */
  public static final Duration MIN_LEASE = Duration.ofSeconds(1);

  public KubernetesProperties {
    if (relayConcurrency < 1) {
      throw new IllegalArgumentException(
          "aegis.kubernetes.relay-concurrency must be at least 1, was " + relayConcurrency);
    }
    if (lease.compareTo(MIN_LEASE) < 0) {
      throw new IllegalArgumentException(
          "aegis.kubernetes.lease must be at least "
              + MIN_LEASE.toSeconds()
              + "s (it is renewed every third of it, each renewal a database write), was "
              + lease);
    }
  }

  /** 5 attempts, 1 s → 60 s, ×2 (DESIGN.md seed defaults). */
  public record Retry(
      @DefaultValue("5") int attempts,
      @DefaultValue("1s") Duration initialBackoff,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("60s") Duration maxBackoff) {}

  /**
   * Opens after 5 failures, half-opens after 60 s, closes after 3 successes (DESIGN.md seed
   * defaults).
   */
  public record Breaker(
      @DefaultValue("5") int failuresToOpen,
      @DefaultValue("60s") Duration openDuration,
      @DefaultValue("3") int successesToClose) {}

  /**
   * The retry and circuit-breaker policy of {@link #retry()} and {@link #breaker()} for one client
   * of the API: each gets a breaker of its own, named {@code name} (the {@code name} tag of its
   * metrics).
   *
   * @param attempts attempts per call, the first included: {@code retry.attempts} for commands, 1
   *     for reads whose answer is worth less late than not at all
   */
  public ResilienceSettings resilience(String name, int attempts) {
    return new ResilienceSettings(
        name,
        attempts,
        retry.initialBackoff(),
        retry.multiplier(),
        retry.maxBackoff(),
        breaker.failuresToOpen(),
        breaker.openDuration(),
        breaker.successesToClose());
  }

  public boolean embedded() {
    return "embedded".equalsIgnoreCase(mode);
  }
}
