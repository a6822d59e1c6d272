package dev.aegis.orchestrator.kubernetes;

import dev.aegis.operators.actuation.KubernetesWorkloadCheck;
import dev.aegis.operators.actuation.ResilienceSettings;
import dev.aegis.operators.actuation.RouterKind;
import dev.aegis.orchestrator.application.SubmissionTargets;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SubmissionTargets} on the cluster: the operators' {@link KubernetesWorkloadCheck} behind a
 * circuit breaker of its own ({@code kubernetes-submissions}), so during an API outage a few
 * submissions wait for a failed read and the rest none, until the API answers again. No retries: a
 * submission is answered now, and a failed read accepts it (the actuation retries).
 */
final class KubernetesSubmissionTargets implements SubmissionTargets {

  private static final Logger log = LoggerFactory.getLogger(KubernetesSubmissionTargets.class);

  private final KubernetesWorkloadCheck check;
  private final CircuitBreaker breaker;

  KubernetesSubmissionTargets(
      KubernetesWorkloadCheck check, ResilienceSettings settings, MeterRegistry metrics) {
    this.check = check;
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(settings.circuitBreaker().build());
    this.breaker = breakers.circuitBreaker(settings.name());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event ->
                log.warn("circuit breaker {}: {}", settings.name(), event.getStateTransition()));
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(metrics);
  }

  @Override
  public Answer check(String namespace, String service, RouterKind router) {
    try {
      List<String> missing =
          breaker.executeSupplier(() -> check.missing(namespace, service, router));
      return missing.isEmpty() ? new Answer.Present() : new Answer.Missing(missing);
    } catch (CallNotPermittedException open) {
      return new Answer.Unknown("the Kubernetes API circuit breaker is open");
    } catch (RuntimeException e) {
      if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
        breaker.transitionToOpenState();
      }
      return new Answer.Unknown("the Kubernetes API did not answer: " + e.getMessage());
    }
  }
}
