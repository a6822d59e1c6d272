package dev.aegis.operators.actuation;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries and circuit-breaks another {@link Actuator} (normally {@link KubernetesActuator}), so an
 * API outage costs a few bounded retries per command and then no calls at all until the API answers
 * again.
 *
 * <p>A whole command is the unit of retry: commands are idempotent per id, so a retried command
 * redoes only the writes that did not land. Only {@link ActuationResult.Deferred} (transient)
 * outcomes are retried and counted as breaker failures; {@link ActuationResult.Rejected} and {@link
 * ActuationResult.Applied} come back at once and count as successful calls (the API answered).
 * While the breaker is open every command is answered {@code Deferred("circuit breaker open …")}
 * without touching the API; after the open duration, trial calls go through, and the breaker closes
 * after {@link ResilienceSettings#successesToClose()} of them succeed, or re-opens at the first
 * failure. Retry backoff sleeps on the caller's thread.
 *
 * <p>Metrics (resilience4j-micrometer, tag {@code name}): {@code
 * resilience4j.circuitbreaker.state}, {@code resilience4j.circuitbreaker.calls}, {@code
 * resilience4j.circuitbreaker.not.permitted.calls}, {@code resilience4j.retry.calls}, …; in
 * Prometheus {@code resilience4j_circuitbreaker_state} etc.
 */
public final class ResilientActuator implements Actuator {

  private static final Logger LOG = LoggerFactory.getLogger(ResilientActuator.class);

  private final Actuator delegate;
  private final ResilienceSettings settings;
  private final CircuitBreaker breaker;
  private final Retry retry;

  public ResilientActuator(
      Actuator delegate, ResilienceSettings settings, MeterRegistry meterRegistry) {
    this.delegate = delegate;
    this.settings = settings;
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.of(
            settings.circuitBreaker().recordException(TransientFailure.class::isInstance).build());
    RetryRegistry retries =
        RetryRegistry.of(
            RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialBackoff(
                        settings.initialBackoff(),
                        settings.backoffMultiplier(),
                        settings.maxBackoff()))
                .retryOnException(TransientFailure.class::isInstance)
                .build());
    this.breaker = breakers.circuitBreaker(settings.name());
    this.retry = retries.retry(settings.name());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event ->
                LOG.warn("circuit breaker {}: {}", settings.name(), event.getStateTransition()));
    retry
        .getEventPublisher()
        .onRetry(
            event ->
                LOG.warn(
                    "retrying in {} (attempt {} failed): {}",
                    event.getWaitInterval(),
                    event.getNumberOfRetryAttempts(),
                    event.getLastThrowable().getMessage()));
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meterRegistry);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meterRegistry);
  }

  /** The breaker's state, for health checks and the "actuation pending" status. */
  public CircuitBreaker.State breakerState() {
    return breaker.getState();
  }

  @Override
  public ActuationResult apply(ActuationCommand command) {
    return apply(command, () -> true);
  }

  /**
   * A call deferred once {@code mayWrite} answers false (the caller's lease ran out) ends at once:
   * it is neither retried nor counted against the API by the breaker.
   */
  @Override
  public ActuationResult apply(ActuationCommand command, BooleanSupplier mayWrite) {
    return LogContext.of(command, () -> applyGuarded(command, mayWrite));
  }

  private ActuationResult applyGuarded(ActuationCommand command, BooleanSupplier mayWrite) {
    Supplier<ActuationResult> guarded =
        Retry.decorateSupplier(retry, () -> callThroughBreaker(command, mayWrite));
    try {
      return guarded.get();
    } catch (TransientFailure e) {
      return new ActuationResult.Deferred(
          command.id(), "gave up after " + settings.maxAttempts() + " attempts: " + e.getMessage());
    } catch (CallNotPermittedException e) {
      return new ActuationResult.Deferred(
          command.id(),
          "circuit breaker open: the Kubernetes API failed "
              + settings.failuresToOpen()
              + " calls in a row; calls resume after "
              + settings.openDuration());
    } catch (RuntimeException e) {
      LOG.error("actuator failed unexpectedly on command {}", command.id(), e);
      return new ActuationResult.Rejected(command.id(), "unexpected failure: " + e);
    }
  }

  private ActuationResult callThroughBreaker(ActuationCommand command, BooleanSupplier mayWrite) {
    try {
      return breaker.executeSupplier(
          () -> {
            ActuationResult result = delegate.apply(command, mayWrite);
            if (result instanceof ActuationResult.Deferred deferred && mayWrite.getAsBoolean()) {
              throw new TransientFailure(deferred.reason());
            }
            return result;
          });
    } catch (TransientFailure e) {
      if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
        breaker.transitionToOpenState();
      }
      throw e;
    }
  }

  /** A deferred outcome in flight through resilience4j, which counts and retries exceptions. */
  private static final class TransientFailure extends RuntimeException {
    TransientFailure(String reason) {
      super(reason, null, false, false);
    }
  }
}
