package dev.aegis.chaos;

import static dev.aegis.chaos.MockCluster.NS;
import static dev.aegis.chaos.NativeFaultInjectionTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.data.Track;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With Chaos Mesh's custom resource definitions installed, each kind becomes the matching Chaos
 * Mesh resource.
 */
class ChaosMeshInjectionTest {

  @RegisterExtension final MockCluster cluster = new MockCluster();

  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  private static final FaultTarget CANARY = new FaultTarget(NS, "checkout", Track.CANARY);
  private static final FaultTarget STABLE = new FaultTarget(NS, "checkout", Track.STABLE);
  private static final Map<String, Object> CANARY_SELECTOR =
      Map.of("namespaces", List.of(NS), "labelSelectors", MockCluster.canaryLabels("checkout"));

  private KubernetesFaultInjector injector;

  @BeforeEach
  void setUp() {
    cluster.stableDeployment("checkout", 4);
    cluster.canaryDeployment("checkout", 2);
    cluster.service("checkout");
    cluster.virtualService("checkout");
    cluster.stableDeployment("payments", 2);
    cluster.service("payments");
    injector = new KubernetesFaultInjector(cluster.client(), ChaosSettings.defaults());
  }

  @Test
  void podKillBecomesAPodChaosKillingTheBoundedCount() {
    cluster.installChaosMesh();
    cluster.pods("checkout-canary", 4, MockCluster.canaryLabels("checkout"));

    Injection injection =
        inject(
            FaultKind.POD_KILL,
            CANARY,
            new FaultParameters(0.5, null, null, null, null, null, null, null, null));

    assertThat(injection.mechanism()).isEqualTo(Mechanism.CHAOS_MESH);
    assertThat(spec(ChaosObjects.POD_CHAOS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "action",
                "pod-kill",
                "mode",
                "fixed",
                "value",
                "2",
                "gracePeriod",
                0,
                "selector",
                CANARY_SELECTOR,
                "duration",
                "120s"));
    assertThat(cluster.podNames()).hasSize(4);
    assertRevertedTwice(injection, ChaosObjects.POD_CHAOS);
  }

  @Test
  void latencyOnACanaryBecomesAnHttpChaosOnTheCanaryPodsWithoutProductionConsent() {
    cluster.installChaosMesh();

    Injection injection =
        inject(
            FaultKind.LATENCY,
            CANARY,
            new FaultParameters(null, null, 300L, null, 100.0, null, null, null, null));

    assertThat(spec(ChaosObjects.HTTP_CHAOS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "mode",
                "all",
                "selector",
                CANARY_SELECTOR,
                "port",
                8080,
                "path",
                "*",
                "target",
                "Request",
                "delay",
                "300ms",
                "duration",
                "120s"));
    assertThat(http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "checkout"))).hasSize(2);
    assertRevertedTwice(injection, ChaosObjects.HTTP_CHAOS);
  }

  @Test
  void abortOnAShareBecomesAnHttpChaosReplacingTheStatusOnThatShareOfPods() {
    cluster.installChaosMesh();

    inject(
        FaultKind.ABORT,
        STABLE,
        new FaultParameters(null, null, null, 500, 25.0, null, null, null, null));

    Map<String, Object> spec = spec(ChaosObjects.HTTP_CHAOS);
    assertThat(spec)
        .containsEntry("mode", "fixed-percent")
        .containsEntry("value", "25")
        .containsEntry("target", "Response")
        .containsEntry("replace", Map.of("code", 500));
    assertThat(spec.get("selector"))
        .isEqualTo(
            Map.of(
                "namespaces",
                List.of(NS),
                "labelSelectors",
                Map.of("app", "checkout"),
                "expressionSelectors",
                List.of(
                    Map.of(
                        "key",
                        "aegis.dev/track",
                        "operator",
                        "NotIn",
                        "values",
                        List.of("canary")))));
  }

  @Test
  void stressBecomesAStressChaosInEveryTargetPod() {
    cluster.installChaosMesh();

    Injection cpu =
        inject(
            FaultKind.CPU_STRESS,
            CANARY,
            new FaultParameters(null, null, null, null, null, null, 2, null, null));
    assertThat(spec(ChaosObjects.STRESS_CHAOS))
        .containsEntry("mode", "all")
        .containsEntry("stressors", Map.of("cpu", Map.of("workers", 2, "load", 100)));
    injector.revert(cpu);

    injector.inject(
        "f2",
        new FaultSpec(
            FaultKind.MEMORY_STRESS,
            CANARY,
            Duration.ofSeconds(45),
            new FaultParameters(null, null, null, null, null, null, null, "512Mi", null)),
        NOW);
    assertThat(spec(ChaosObjects.STRESS_CHAOS))
        .containsEntry("duration", "45s")
        .containsEntry("stressors", Map.of("memory", Map.of("workers", 1, "size", "512MiB")));
  }

  @Test
  void partitionAndDependencyOutageBecomeNetworkChaos() {
    cluster.installChaosMesh();

    Injection partition = inject(FaultKind.NETWORK_PARTITION, CANARY, FaultParameters.NONE);
    assertThat(spec(ChaosObjects.NETWORK_CHAOS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "action",
                "partition",
                "mode",
                "all",
                "selector",
                CANARY_SELECTOR,
                "direction",
                "both",
                "duration",
                "120s"));
    assertRevertedTwice(partition, ChaosObjects.NETWORK_CHAOS);

    Injection outage =
        inject(
            FaultKind.DEPENDENCY_OUTAGE,
            CANARY,
            new FaultParameters(null, null, null, null, null, "payments", null, null, null));
    System.out.println(outage.summary());
    assertThat(spec(ChaosObjects.NETWORK_CHAOS))
        .containsEntry("direction", "to")
        .containsEntry("selector", CANARY_SELECTOR)
        .containsEntry(
            "target",
            Map.of(
                "mode",
                "all",
                "selector",
                Map.of("namespaces", List.of(NS), "labelSelectors", Map.of("app", "payments"))));
  }

  @Test
  void everyChaosMeshResourceIsLabelledWithItsFault() {
    cluster.installChaosMesh();

    inject(FaultKind.NETWORK_PARTITION, CANARY, FaultParameters.NONE);

    GenericKubernetesResource created = cluster.get(ChaosObjects.NETWORK_CHAOS, "aegis-chaos-f1");
    assertThat(created.getApiVersion()).isEqualTo("chaos-mesh.org/v1alpha1");
    assertThat(created.getMetadata().getLabels())
        .containsEntry("aegis.dev/chaos-fault", "f1")
        .containsEntry("aegis.dev/chaos-target", "checkout")
        .containsEntry("aegis.dev/chaos-track", "canary");
  }

  @Test
  void modeAlwaysRefusesWithoutChaosMeshAndModeNeverIgnoresIt() {
    KubernetesFaultInjector always =
        new KubernetesFaultInjector(
            cluster.client(), ChaosSettings.defaults().withChaosMesh(ChaosMeshMode.ALWAYS));
    assertRefused(
        () ->
            always.inject(
                "f1",
                new FaultSpec(
                    FaultKind.NETWORK_PARTITION,
                    CANARY,
                    Duration.ofMinutes(1),
                    FaultParameters.NONE),
                NOW),
        FaultRefusedException.CHAOS_MESH_MISSING,
        "networkchaos.chaos-mesh.org");

    cluster.installChaosMesh();
    KubernetesFaultInjector never =
        new KubernetesFaultInjector(
            cluster.client(), ChaosSettings.defaults().withChaosMesh(ChaosMeshMode.NEVER));
    Injection injection =
        never.inject(
            "f1",
            new FaultSpec(
                FaultKind.NETWORK_PARTITION, CANARY, Duration.ofMinutes(1), FaultParameters.NONE),
            NOW);
    assertThat(injection.mechanism()).isEqualTo(Mechanism.NATIVE);
    assertThat(cluster.list(ChaosObjects.NETWORK_CHAOS)).isEmpty();
  }

  @Test
  void autoGoesNativeWhenChaosMeshIsNotInstalled() {
    Injection injection = inject(FaultKind.NETWORK_PARTITION, CANARY, FaultParameters.NONE);

    assertThat(injection.mechanism()).isEqualTo(Mechanism.NATIVE);
    assertThat(injection.reverts())
        .containsExactly(
            new Revert.DeleteObject("networking.k8s.io/v1", "NetworkPolicy", NS, "aegis-chaos-f1"));
  }

  private Injection inject(FaultKind kind, FaultTarget target, FaultParameters parameters) {
    Injection injection =
        injector.inject("f1", new FaultSpec(kind, target, Duration.ofMinutes(2), parameters), NOW);
    System.out.println(injection.summary());
    return injection;
  }

  private Map<String, Object> spec(ResourceDefinitionContext definition) {
    List<GenericKubernetesResource> items = cluster.list(definition);
    assertThat(items).hasSize(1);
    return ChaosObjects.asMap(items.get(0).getAdditionalProperties().get("spec"));
  }

  private void assertRevertedTwice(Injection injection, ResourceDefinitionContext definition) {
    assertThat(injection.reverts())
        .containsExactly(
            new Revert.DeleteObject(
                "chaos-mesh.org/v1alpha1", definition.getKind(), NS, "aegis-chaos-f1"));
    assertThat(injector.revert(injection).undone()).hasSize(1);
    assertThat(cluster.list(definition)).isEmpty();
    RevertOutcome again = injector.revert(injection);
    assertThat(again.undone()).isEmpty();
    assertThat(again.alreadyGone())
        .containsExactly("deleted " + definition.getKind() + " demo/aegis-chaos-f1");
  }

  private static List<Object> http(GenericKubernetesResource vs) {
    return ChaosObjects.asList(
        ChaosObjects.asMap(vs.getAdditionalProperties().get("spec")).get("http"));
  }
}
