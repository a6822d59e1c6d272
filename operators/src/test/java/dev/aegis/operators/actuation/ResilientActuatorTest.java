package dev.aegis.operators.actuation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.operators.actuation.ActuationCommand.SetTrafficWeight;
import dev.aegis.operators.testing.ApiRequest;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.operators.testing.KubernetesApi;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An outage of the Kubernetes API: bounded retries, then the circuit breaker opens and commands
 * wait without calling the API; once it recovers every command is applied, each exactly once.
 */
class ResilientActuatorTest {

  private static final String NS = "shop";
  private static final List<String> SERVICES = List.of("cart", "checkout", "search");

  @RegisterExtension static final KubernetesApi api = new KubernetesApi();

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  private static ResilienceSettings fast(Duration openDuration) {
    return new ResilienceSettings(
        "kubernetes-api", 3, Duration.ofMillis(1), 2.0, Duration.ofMillis(4), 5, openDuration, 3);
  }

  @Test
  void outageRetriesThenOpensTheBreakerAndRecoveryAppliesEveryCommandOnce() {
    for (String service : SERVICES) {
      ClusterFixtures.createStableDeployment(api.adminClient(), NS, service, service + ":1.0", 4);
    }
    api.server()
        .expect()
        .get()
        .withPath(stablePath("cart"))
        .andReturn(500, "etcd unavailable")
        .always();
    api.server()
        .expect()
        .get()
        .delay(2_000)
        .withPath(stablePath("checkout"))
        .andReturn(200, "{}")
        .always();
    api.server()
        .expect()
        .get()
        .withPath(stablePath("search"))
        .andReturn(500, "etcd unavailable")
        .always();
    ResilientActuator actuator =
        new ResilientActuator(
            new KubernetesActuator(api.newClient(c -> c.withRequestTimeout(300))),
            fast(Duration.ofSeconds(2)),
            metrics);

    ActuationResult cart = actuator.apply(command("cart"));
    ActuationResult checkout = actuator.apply(command("checkout"));
    ActuationResult search = actuator.apply(command("search"));

    assertThat(cart)
        .isInstanceOfSatisfying(
            ActuationResult.Deferred.class,
            d ->
                assertThat(d.reason()).startsWith("gave up after 3 attempts").contains("HTTP 500"));
    assertThat(checkout)
        .isInstanceOfSatisfying(
            ActuationResult.Deferred.class,
            d -> assertThat(d.reason()).startsWith("circuit breaker open"));
    assertThat(search)
        .isInstanceOfSatisfying(
            ActuationResult.Deferred.class,
            d -> assertThat(d.reason()).startsWith("circuit breaker open"));
    assertThat(stableReads("cart")).as("3 attempts").isEqualTo(3);
    assertThat(stableReads("checkout"))
        .as("2 attempts, then the breaker opened at 5 failures")
        .isEqualTo(2);
    assertThat(stableReads("search")).as("no call while open").isZero();
    assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);

    api.server().clearExpectations();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> actuator.apply(command("cart")) instanceof ActuationResult.Applied);
    assertThat(actuator.apply(command("checkout"))).isInstanceOf(ActuationResult.Applied.class);
    assertThat(actuator.apply(command("search"))).isInstanceOf(ActuationResult.Applied.class);

    assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    for (String service : SERVICES) {
      assertThat(actuator.apply(command(service)))
          .isInstanceOfSatisfying(
              ActuationResult.Applied.class, a -> assertThat(a.alreadyApplied()).isTrue());
    }
    assertThat(deploymentWrites("create")).as("one canary created per service").hasSize(3);
    assertThat(deploymentWrites("update"))
        .as("each stable Deployment updated once")
        .containsExactlyInAnyOrder(
            stablePath("cart"), stablePath("checkout"), stablePath("search"));
    assertThat(metric("resilience4j.retry.calls", "kind", "failed_with_retry")).isEqualTo(1.0);
    assertThat(metric("resilience4j.circuitbreaker.not.permitted.calls", "name", "kubernetes-api"))
        .isGreaterThanOrEqualTo(2.0);
    assertThat(metric("resilience4j.circuitbreaker.state", "state", "closed")).isEqualTo(1.0);
  }

  @Test
  void rejectedCommandsAreNotRetriedAndDoNotCountAgainstTheBreaker() {
    ResilientActuator actuator =
        new ResilientActuator(
            new KubernetesActuator(api.client()), fast(Duration.ofSeconds(60)), metrics);

    for (int i = 0; i < 6; i++) {
      assertThat(actuator.apply(command("ghost"))).isInstanceOf(ActuationResult.Rejected.class);
    }

    assertThat(stableReads("ghost")).isEqualTo(6);
    assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  @DisplayName(
      "a call whose lease ran out is deferred once: not retried, not counted by the breaker")
  void aLostLeaseIsNeitherRetriedNorCounted() {
    ClusterFixtures.createStableDeployment(api.adminClient(), NS, "cart", "cart:1.0", 4);
    ResilientActuator actuator =
        new ResilientActuator(
            new KubernetesActuator(api.client()), fast(Duration.ofSeconds(60)), metrics);

    for (int i = 0; i < 6; i++) {
      assertThat(actuator.apply(command("cart"), () -> false))
          .isInstanceOfSatisfying(
              ActuationResult.Deferred.class,
              d -> assertThat(d.reason()).contains("lease on the command ran out"));
    }

    assertThat(stableReads("cart")).as("one call each, no retry").isEqualTo(6);
    assertThat(deploymentWrites("create")).isEmpty();
    assertThat(deploymentWrites("update")).isEmpty();
    assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(actuator.apply(command("cart"), () -> true))
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class, a -> assertThat(a.alreadyApplied()).isFalse());
  }

  @Test
  void aFailedTrialCallReopensTheBreaker() {
    AtomicInteger calls = new AtomicInteger();
    Actuator flaky =
        command ->
            calls.incrementAndGet() <= 5 || calls.get() == 7
                ? new ActuationResult.Deferred(command.id(), "HTTP 503")
                : new ActuationResult.Applied(command.id(), false, "ok");
    ResilientActuator actuator =
        new ResilientActuator(
            flaky,
            new ResilienceSettings(
                "flaky",
                1,
                Duration.ofMillis(1),
                2.0,
                Duration.ofMillis(1),
                5,
                Duration.ofMillis(50),
                3),
            metrics);
    for (int i = 0; i < 5; i++) {
      actuator.apply(command("cart"));
    }
    assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> actuator.apply(command("cart")) instanceof ActuationResult.Applied);
    assertThat(actuator.apply(command("cart"))).isInstanceOf(ActuationResult.Deferred.class);

    assertThat(calls.get()).isEqualTo(7);
    assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  private static SetTrafficWeight command(String service) {
    return new SetTrafficWeight(
        "exp-" + service + "/step-1",
        service,
        NS,
        "1.1",
        service + ":1.1",
        50,
        RouterKind.REPLICA_RATIO);
  }

  private static String stablePath(String service) {
    return "/apis/apps/v1/namespaces/" + NS + "/deployments/" + service;
  }

  private static long stableReads(String service) {
    return api.requests().stream()
        .filter(
            r ->
                r.verb().equals("get")
                    && r.resource().equals("deployments")
                    && r.name().equals(service))
        .count();
  }

  private static List<String> deploymentWrites(String verb) {
    return api.requests().stream()
        .filter(r -> r.verb().equals(verb) && r.resource().equals("deployments"))
        .map(ApiRequest::path)
        .toList();
  }

  /**
   * The sum of a meter's first measurement over the meters matching the tag (counter, function
   * counter, gauge).
   */
  private double metric(String name, String tag, String value) {
    return metrics.get(name).tag(tag, value).meters().stream()
        .mapToDouble(m -> m.measure().iterator().next().getValue())
        .sum();
  }
}
