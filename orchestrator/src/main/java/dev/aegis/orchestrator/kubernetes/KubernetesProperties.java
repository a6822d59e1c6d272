package dev.aegis.orchestrator.kubernetes;

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
 * @param relayInterval how often the actuation relay looks for due commands
 * @param lease how long a relay keeps a claimed command from the others; longer than one command's
 *     retries
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
    @DefaultValue("2m") Duration lease,
    @DefaultValue Retry retry,
    @DefaultValue Breaker breaker) {

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

  public boolean embedded() {
    return "embedded".equalsIgnoreCase(mode);
  }
}
