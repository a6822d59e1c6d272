package dev.aegis.operators.actuation;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ResilientActuator} retries and when its circuit breaker opens. The defaults are the
 * seed policy: 5 attempts with exponential backoff from 1 s, ×2, at most 60 s between attempts; the
 * breaker opens after 5 consecutive failed calls, lets a trial through after 60 s, and closes after
 * 3 trial calls succeed (any failed trial re-opens it). Tests use the same policy in milliseconds.
 *
 * @param name the instance name, the {@code name} tag of the resilience4j metrics
 * @param maxAttempts attempts per command, the first included
 * @param initialBackoff wait before the second attempt
 * @param backoffMultiplier growth of the wait from one attempt to the next
 * @param maxBackoff the longest wait between two attempts
 * @param failuresToOpen consecutive failed calls that open the breaker
 * @param openDuration how long the breaker stays open before letting trial calls through
 * @param successesToClose successful trial calls that close it again
 */
public record ResilienceSettings(
    String name,
    int maxAttempts,
    Duration initialBackoff,
    double backoffMultiplier,
    Duration maxBackoff,
    int failuresToOpen,
    Duration openDuration,
    int successesToClose) {

  public ResilienceSettings {
    Objects.requireNonNull(name, "name");
    if (maxAttempts < 1 || failuresToOpen < 1 || successesToClose < 1) {
      throw new IllegalArgumentException(
          "attempts, failures to open and successes to close must be at least 1");
    }
    if (backoffMultiplier < 1.0) {
      throw new IllegalArgumentException(
          "backoff multiplier must be at least 1, was " + backoffMultiplier);
    }
    if (initialBackoff.isNegative()
        || initialBackoff.isZero()
        || maxBackoff.compareTo(initialBackoff) < 0
        || openDuration.isNegative()
        || openDuration.isZero()) {
      throw new IllegalArgumentException(
          "backoffs and open duration must be positive, max backoff >= initial");
    }
  }

  /** The seed policy, for the Kubernetes API. */
  public static ResilienceSettings defaults() {
    return new ResilienceSettings(
        "kubernetes-api",
        5,
        Duration.ofSeconds(1),
        2.0,
        Duration.ofSeconds(60),
        5,
        Duration.ofSeconds(60),
        3);
  }

  /**
   * The circuit breaker these settings describe: opens after {@code failuresToOpen} failures in a
   * row, stays open {@code openDuration}, closes after {@code successesToClose} trial calls
   * succeed. Callers add what counts as a failure.
   */
  public CircuitBreakerConfig.Builder circuitBreaker() {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(failuresToOpen)
        .minimumNumberOfCalls(failuresToOpen)
        .failureRateThreshold(100f)
        .waitDurationInOpenState(openDuration)
        .permittedNumberOfCallsInHalfOpenState(successesToClose);
  }
}
