package dev.aegis.chaos;

import static dev.aegis.chaos.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.data.Track;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An API server that fails or cannot be reached: the injector throws its own {@link
 * ClusterUnavailableException}, carrying the client's message and exception, never the client's
 * exception itself.
 */
class ClusterUnavailableTest {

  @RegisterExtension final MockCluster cluster = new MockCluster();

  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  private static final FaultSpec PARTITION =
      new FaultSpec(
          FaultKind.NETWORK_PARTITION,
          new FaultTarget(NS, "checkout", Track.STABLE),
          Duration.ofMinutes(2),
          FaultParameters.NONE);
  private static final String POLICIES =
      "/apis/networking.k8s.io/v1/namespaces/" + NS + "/networkpolicies";

  private KubernetesClient client;
  private KubernetesFaultInjector injector;

  /**
   * A client without fabric8's own retries, so one failing answer is seen as the cluster failing.
   */
  @BeforeEach
  void setUp() {
    cluster.stableDeployment("checkout", 4);
    client =
        cluster
            .server()
            .createClient(
                b ->
                    b.withConfig(
                        new ConfigBuilder(cluster.client().getConfiguration())
                            .withRequestRetryBackoffLimit(0)
                            .build()));
    injector = injector(client, ChaosMeshMode.NEVER);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private static KubernetesFaultInjector injector(KubernetesClient client, ChaosMeshMode mode) {
    return new KubernetesFaultInjector(
        client, ChaosSettings.defaults().withChaosMesh(mode), new Random(7));
  }

  @Test
  void anInjectionTheApiServerAnswersWithAnErrorThrowsClusterUnavailable() {
    cluster.server().expect().post().withPath(POLICIES).andReturn(500, "etcd unavailable").once();

    assertThatThrownBy(() -> injector.inject("f1", PARTITION, NOW))
        .isInstanceOfSatisfying(
            ClusterUnavailableException.class,
            e -> {
              assertThat(e.getCause()).isInstanceOf(KubernetesClientException.class);
              assertThat(((KubernetesClientException) e.getCause()).getCode()).isEqualTo(500);
              assertThat(e.getMessage())
                  .isEqualTo(e.getCause().getMessage())
                  .contains("POST", POLICIES);
            });
  }

  @Test
  void failingToReadWhetherChaosMeshIsInstalledThrowsClusterUnavailable() {
    cluster
        .server()
        .expect()
        .get()
        .withPath(
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/networkchaos.chaos-mesh.org")
        .andReturn(503, "apiserver overloaded")
        .once();

    assertThatThrownBy(() -> injector(client, ChaosMeshMode.AUTO).inject("f1", PARTITION, NOW))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("networkchaos.chaos-mesh.org");
    assertThat(cluster.client().network().v1().networkPolicies().inNamespace(NS).list().getItems())
        .isEmpty();
  }

  @Test
  void aRevertTheApiServerFailsThrowsClusterUnavailableAndSucceedsOnceItAnswers() {
    Injection injection = injector.inject("f1", PARTITION, NOW);
    cluster
        .server()
        .expect()
        .delete()
        .withPath(POLICIES + "/aegis-chaos-f1")
        .andReturn(500, "etcd unavailable")
        .once();

    assertThatThrownBy(() -> injector.revert(injection))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasCauseInstanceOf(KubernetesClientException.class);

    assertThat(injector.revert(injection).undone())
        .containsExactly("deleted NetworkPolicy demo/aegis-chaos-f1");
  }

  @Test
  void anUnreachableApiServerThrowsClusterUnavailableFromInjectAndRevert() {
    Injection injection = injector.inject("f1", PARTITION, NOW);
    try (KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:1")
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(500)
                    .withRequestTimeout(500)
                    .build())
            .build()) {
      KubernetesFaultInjector cut = injector(unreachable, ChaosMeshMode.NEVER);

      assertThatThrownBy(() -> cut.inject("f2", PARTITION, NOW))
          .isInstanceOf(ClusterUnavailableException.class);
      assertThatThrownBy(() -> cut.revert(injection))
          .isInstanceOf(ClusterUnavailableException.class);
    }
  }
}
