package dev.aegis.operators.actuation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.operators.testing.KubernetesApi;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The stable replica count read from fabric8's Kubernetes API server (CRUD mode, faults injected
 * with expectations in front of it), bare and behind its circuit breaker.
 */
class ReplicaReaderTest {

  private static final String NS = "shop";

  @RegisterExtension static final KubernetesApi api = new KubernetesApi();

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ResilientReplicaReader.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  private static ResilienceSettings breaker(Duration openDuration) {
    return new ResilienceSettings(
        "kubernetes-replicas",
        1,
        Duration.ofMillis(1),
        1.0,
        Duration.ofMillis(1),
        3,
        openDuration,
        2);
  }

  private ResilientReplicaReader resilient(ReplicaReader reader, Duration openDuration) {
    return new ResilientReplicaReader(reader, breaker(openDuration), new SimpleMeterRegistry());
  }

  @Test
  void aStableDeploymentGivesItsSpecReplicasAndAMissingOneOrOneWithoutACountGivesNone() {
    ClusterFixtures.createStableDeployment(api.adminClient(), NS, "cart", "cart:1.0", 4);
    Deployment unscaled = ClusterFixtures.stableDeployment(NS, "search", "search:1.0", 1);
    unscaled.getSpec().setReplicas(null);
    api.adminClient().apps().deployments().inNamespace(NS).resource(unscaled).create();
    ResilientReplicaReader reader =
        resilient(new KubernetesReplicaReader(api.client()), Duration.ofMinutes(1));

    assertThat(reader.stableReplicas(NS, "cart")).isEqualTo(OptionalInt.of(4));
    assertThat(reader.stableReplicas(NS, "search")).isEmpty();
    for (int i = 0; i < 5; i++) {
      assertThat(reader.stableReplicas(NS, "ghost")).isEmpty();
    }
    assertThat(reader.stableReplicas("elsewhere", "cart")).isEmpty();

    assertThat(reader.breakerState())
        .as("an absent Deployment is an answer, not a failure")
        .isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(logs.list).isEmpty();
  }

  @Test
  void theBareReaderThrowsWhenTheApiServerAnswersAnError() {
    api.server()
        .expect()
        .get()
        .withPath(deploymentPath("cart"))
        .andReturn(500, "etcd unavailable")
        .always();
    KubernetesReplicaReader reader = new KubernetesReplicaReader(api.client());

    assertThatThrownBy(() -> reader.stableReplicas(NS, "cart"))
        .isInstanceOf(KubernetesClientException.class);
  }

  @Test
  void failingReadsGiveNoneOpenTheBreakerAfterTheConfiguredFailuresAndWarnOncePerChange() {
    ClusterFixtures.createStableDeployment(api.adminClient(), NS, "cart", "cart:1.0", 4);
    api.server()
        .expect()
        .get()
        .withPath(deploymentPath("cart"))
        .andReturn(500, "etcd unavailable")
        .always();
    ResilientReplicaReader reader =
        resilient(new KubernetesReplicaReader(api.client()), Duration.ofMillis(300));

    for (int i = 0; i < 10; i++) {
      assertThat(reader.stableReplicas(NS, "cart")).isEmpty();
    }

    assertThat(reader.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(reads("cart")).as("3 failures open the breaker; no call while open").isEqualTo(3);
    assertThat(warnings())
        .satisfiesExactly(
            first ->
                assertThat(first)
                    .startsWith("reading replica counts failed")
                    .contains("deployments/cart"),
            second ->
                assertThat(second)
                    .isEqualTo(
                        "circuit breaker kubernetes-replicas: State transition from CLOSED to OPEN"));

    api.server().clearExpectations();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> reader.stableReplicas(NS, "cart").equals(OptionalInt.of(4)));
    assertThat(reader.stableReplicas(NS, "cart")).isEqualTo(OptionalInt.of(4));

    assertThat(reader.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void anUnreachableApiServerGivesNone() {
    ResilientReplicaReader reader =
        resilient(
            new KubernetesReplicaReader(
                api.newClient(
                    c ->
                        c.withMasterUrl("https://127.0.0.1:1")
                            .withConnectionTimeout(500)
                            .withRequestTimeout(500))),
            Duration.ofMinutes(1));

    for (int i = 0; i < 4; i++) {
      assertThat(reader.stableReplicas(NS, "cart")).isEmpty();
    }

    assertThat(reader.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  private static String deploymentPath(String service) {
    return "/apis/apps/v1/namespaces/" + NS + "/deployments/" + service;
  }

  private static long reads(String service) {
    return api.requests().stream()
        .filter(
            r ->
                r.verb().equals("get")
                    && r.resource().equals("deployments")
                    && r.name().equals(service))
        .count();
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
