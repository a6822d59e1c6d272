package dev.aegis.operators.actuation;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a circuit breaker of its own in front of another {@link ReplicaReader}, so a Kubernetes API
 * outage costs a few failed reads and then none until the API answers again. It never throws: a
 * failed read, or any read while the breaker is open, is {@link OptionalInt#empty()}, as for an
 * absent Deployment.
 *
 * <p>No retries: a caller on the ingestion path must not wait for backoffs, and the next health
 * window asks again anyway. The breaker uses {@link ResilienceSettings#failuresToOpen()}, {@link
 * ResilienceSettings#openDuration()} and {@link ResilienceSettings#successesToClose()} as {@link
 * ResilientActuator}'s does (any failed trial re-opens it); the retry settings are not used. Give
 * it a {@link ResilienceSettings#name()} of its own (e.g. {@code kubernetes-replicas}): the name
 * tags its resilience4j metrics, which must not collide with the actuator's.
 *
 * <p>Logging is per change, not per call: a WARN line when reads start failing and at each breaker
 * transition, an INFO line when reads work again; each failed read itself only at DEBUG.
 */
public final class ResilientReplicaReader implements ReplicaReader {

  private static final Logger LOG = LoggerFactory.getLogger(ResilientReplicaReader.class);

  private final ReplicaReader delegate;
  private final CircuitBreaker breaker;
  private final AtomicBoolean failing = new AtomicBoolean();

  public ResilientReplicaReader(
      ReplicaReader delegate, ResilienceSettings settings, MeterRegistry meterRegistry) {
    this.delegate = delegate;
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(settings.circuitBreaker().build());
    this.breaker = breakers.circuitBreaker(settings.name());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event ->
                LOG.warn("circuit breaker {}: {}", settings.name(), event.getStateTransition()));
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meterRegistry);
  }

  /** The breaker's state, for health checks and tests. */
  public CircuitBreaker.State breakerState() {
    return breaker.getState();
  }

  /** Never throws; empty when the Deployment is absent, the read failed, or the breaker is open. */
  @Override
  public OptionalInt stableReplicas(String namespace, String service) {
    try {
      OptionalInt replicas =
          breaker.executeSupplier(() -> delegate.stableReplicas(namespace, service));
      if (failing.compareAndSet(true, false)) {
        LOG.info("reading replica counts works again");
      }
      return replicas;
    } catch (CallNotPermittedException open) {
      return OptionalInt.empty();
    } catch (RuntimeException e) {
      if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
        breaker.transitionToOpenState();
      }
      if (failing.compareAndSet(false, true)) {
        LOG.warn(
            "reading replica counts failed; answering none until the API answers again: {}",
            e.toString());
      }
      LOG.debug("reading the replicas of {}/{} failed", namespace, service, e);
      return OptionalInt.empty();
    }
  }
}
