package dev.aegis.chaos;

import static dev.aegis.chaos.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.data.Track;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each fault kind injected natively on the fabric8 API server: the objects' shapes, the reverts,
 * the refusals.
 */
class NativeFaultInjectionTest {

  @RegisterExtension final MockCluster cluster = new MockCluster();

  private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
  private static final FaultTarget CANARY = new FaultTarget(NS, "checkout", Track.CANARY);
  private static final FaultTarget STABLE = new FaultTarget(NS, "checkout", Track.STABLE);

  private KubernetesFaultInjector injector;

  @BeforeEach
  void setUp() {
    cluster.stableDeployment("checkout", 4);
    cluster.canaryDeployment("checkout", 2);
    cluster.service("checkout");
    cluster.virtualService("checkout");
    cluster.stableDeployment("payments", 2);
    cluster.service("payments");
    cluster.virtualService("payments");
    injector =
        new KubernetesFaultInjector(
            cluster.client(),
            ChaosSettings.defaults().withChaosMesh(ChaosMeshMode.NEVER),
            new Random(7));
  }

  @Test
  void podKillDeletesTheShareOfTheCanaryPodsAndLeavesNothingToRevert() {
    List<String> canary = cluster.pods("checkout-canary", 4, MockCluster.canaryLabels("checkout"));
    List<String> stable = cluster.pods("checkout", 4, Map.of("app", "checkout"));

    Injection injection =
        injector.inject("f1", spec(FaultKind.POD_KILL, CANARY, params(0.5, null)), NOW);

    System.out.println(injection.summary());
    assertThat(injection.mechanism()).isEqualTo(Mechanism.NATIVE);
    assertThat(injection.affectedPods()).hasSize(2).isSubsetOf(canary);
    assertThat(injection.reverts()).isEmpty();
    assertThat(injection.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(2)));
    assertThat(cluster.podNames())
        .containsAll(stable)
        .doesNotContainAnyElementsOf(injection.affectedPods())
        .hasSize(6);
  }

  @Test
  void podKillBelowShareOneNeverDeletesEveryPodAndMaxPodsCapsIt() {
    cluster.pods("checkout-canary", 2, MockCluster.canaryLabels("checkout"));
    assertThat(
            injector
                .inject("f1", spec(FaultKind.POD_KILL, CANARY, params(0.9, null)), NOW)
                .affectedPods())
        .hasSize(1);

    cluster.pods("checkout", 8, Map.of("app", "checkout"));
    assertThat(
            injector
                .inject("f2", spec(FaultKind.POD_KILL, STABLE, params(1.0, 3)), NOW)
                .affectedPods())
        .hasSize(3);
  }

  @Test
  void podKillOfStableSparesCanaryPodsThatCarryTheStableLabels() {
    List<String> stable = cluster.pods("checkout", 3, Map.of("app", "checkout"));
    Map<String, String> replicaRatioCanary =
        new LinkedHashMap<>(MockCluster.canaryLabels("checkout"));
    replicaRatioCanary.put("app", "checkout");
    List<String> canary = cluster.pods("checkout-canary", 1, replicaRatioCanary);

    Injection injection =
        injector.inject("f1", spec(FaultKind.POD_KILL, STABLE, params(1.0, null)), NOW);

    assertThat(injection.affectedPods()).containsExactlyInAnyOrderElementsOf(stable);
    assertThat(cluster.podNames()).containsExactlyElementsOf(canary);
  }

  @Test
  void podKillIsRefusedWithoutPodsOrWhenOnePodWouldBeAllOfThem() {
    assertRefused(
        () -> injector.inject("f1", spec(FaultKind.POD_KILL, CANARY, params(0.5, null)), NOW),
        FaultRefusedException.NO_PODS,
        "no running pod");

    cluster.pods("checkout-canary", 1, MockCluster.canaryLabels("checkout"));
    assertRefused(
        () -> injector.inject("f1", spec(FaultKind.POD_KILL, CANARY, params(0.5, null)), NOW),
        FaultRefusedException.WOULD_KILL_ALL_PODS,
        "needs share 1");
    assertThat(cluster.podNames()).hasSize(1);
  }

  @Test
  void latencyOnStableAddsAFirstRouteCopyingTheMainRouteWithTheFault() {
    Injection injection =
        injector.inject(
            "f1",
            new FaultSpec(
                FaultKind.LATENCY,
                STABLE,
                Duration.ofMinutes(2),
                new FaultParameters(null, null, 750L, null, 50.0, null, null, null, null)),
            NOW);

    System.out.println(injection.summary());
    List<Object> http = http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "checkout"));
    assertThat(http).hasSize(3);
    Map<String, Object> fault = ChaosObjects.asMap(http.get(0));
    Map<String, Object> primary = ChaosObjects.asMap(http.get(2));
    assertThat(fault.get("name")).isEqualTo("aegis-fault-f1");
    assertThat(fault.get("match")).isEqualTo(primary.get("match"));
    assertThat(fault.get("route")).isEqualTo(primary.get("route"));
    assertThat(fault.get("timeout")).isEqualTo("5s");
    assertThat(fault.get("fault"))
        .isEqualTo(
            Map.of("delay", Map.of("fixedDelay", "750ms", "percentage", Map.of("value", 50.0))));
    assertThat(injection.reverts())
        .containsExactly(
            new Revert.RemoveRoute(
                "networking.istio.io/v1", "VirtualService", NS, "checkout", "aegis-fault-f1"));
    assertThat(injection.summary()).contains("production traffic");
  }

  @Test
  void removingTheFaultRouteKeepsWeightsTheRouterChangedSinceAndASecondRevertFindsItGone() {
    Injection injection =
        injector.inject(
            "f1",
            new FaultSpec(FaultKind.ABORT, STABLE, Duration.ofMinutes(2), FaultParameters.NONE),
            NOW);
    GenericKubernetesResource vs = cluster.get(ChaosObjects.VIRTUAL_SERVICE, "checkout");
    Map<String, Object> primary = ChaosObjects.asMap(http(vs).get(2));
    List<Object> shifted =
        List.of(
            Map.of(
                "destination",
                Map.of("host", "checkout", "port", Map.of("number", 80)),
                "weight",
                50),
            Map.of(
                "destination",
                Map.of("host", "checkout-canary", "port", Map.of("number", 80)),
                "weight",
                50));
    primary.put("route", shifted);
    cluster.update(ChaosObjects.VIRTUAL_SERVICE, vs);

    RevertOutcome first = injector.revert(injection);
    RevertOutcome second = injector.revert(injection);

    List<Object> http = http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "checkout"));
    assertThat(http)
        .extracting(r -> ChaosObjects.asMap(r).get("name"))
        .containsExactly("legacy", "primary");
    assertThat(ChaosObjects.asMap(http.get(1)).get("route")).isEqualTo(shifted);
    assertThat(first.undone())
        .containsExactly("removed route aegis-fault-f1 of VirtualService demo/checkout");
    assertThat(first.alreadyGone()).isEmpty();
    assertThat(second.undone()).isEmpty();
    assertThat(second.alreadyGone()).hasSize(1);
  }

  @Test
  void aNativeHttpFaultOnACanaryNeedsProductionConsent() {
    FaultSpec abort =
        new FaultSpec(FaultKind.ABORT, CANARY, Duration.ofMinutes(2), FaultParameters.NONE);

    assertRefused(
        () -> injector.inject("f1", abort, NOW),
        FaultRefusedException.HTTP_FAULT_NEEDS_PRODUCTION,
        "Chaos Mesh");
    assertThat(http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "checkout"))).hasSize(2);

    Injection injection = injector.inject("f1", abort, NOW, InjectOptions.PRODUCTION_CONSENTED);
    assertThat(
            ChaosObjects.asMap(http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "checkout")).get(0))
                .get("fault"))
        .isEqualTo(
            Map.of("abort", Map.of("httpStatus", 503, "percentage", Map.of("value", 100.0))));
    assertThat(injection.summary()).contains("per route");
  }

  @Test
  void httpFaultsNeedAVirtualServiceWithARouteToTheService() {
    cluster.stableDeployment("cart", 2);
    cluster.httpRoute("cart");
    cluster.stableDeployment("search", 2);
    FaultSpec onCart =
        new FaultSpec(
            FaultKind.LATENCY,
            new FaultTarget(NS, "cart", Track.STABLE),
            Duration.ofMinutes(1),
            FaultParameters.NONE);
    FaultSpec onSearch =
        new FaultSpec(
            FaultKind.LATENCY,
            new FaultTarget(NS, "search", Track.STABLE),
            Duration.ofMinutes(1),
            FaultParameters.NONE);

    assertRefused(
        () -> injector.inject("f1", onCart, NOW),
        FaultRefusedException.NO_HTTP_FAULT_ROUTE,
        "Gateway API HTTPRoute, which has no standard fault filter");
    assertRefused(
        () -> injector.inject("f1", onSearch, NOW),
        FaultRefusedException.NO_HTTP_FAULT_ROUTE,
        "no Istio VirtualService demo/search");
    assertThat(
            cluster
                .get(ChaosObjects.HTTP_ROUTE, "cart")
                .getAdditionalProperties()
                .get("spec")
                .toString())
        .doesNotContain("aegis");
  }

  @Test
  void dependencyOutageAbortsOnlyTheCanaryPodsRequestsOnTheDependencysRoute() {
    FaultSpec outage =
        new FaultSpec(
            FaultKind.DEPENDENCY_OUTAGE,
            CANARY,
            Duration.ofMinutes(2),
            new FaultParameters(null, null, null, null, null, "payments", null, null, null));

    Injection injection = injector.inject("f1", outage, NOW);

    System.out.println(injection.summary());
    List<Object> http = http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "payments"));
    Map<String, Object> fault = ChaosObjects.asMap(http.get(0));
    assertThat(fault.get("name")).isEqualTo("aegis-fault-f1");
    assertThat(fault.get("match"))
        .isEqualTo(
            List.of(
                Map.of(
                    "uri",
                    Map.of("prefix", "/"),
                    "sourceLabels",
                    MockCluster.canaryLabels("checkout"),
                    "sourceNamespace",
                    NS)));
    assertThat(fault.get("route")).isEqualTo(ChaosObjects.asMap(http.get(2)).get("route"));
    assertThat(fault.get("fault"))
        .isEqualTo(
            Map.of("abort", Map.of("httpStatus", 503, "percentage", Map.of("value", 100.0))));
    assertThat(http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "checkout"))).hasSize(2);

    assertThat(injector.revert(injection).undone()).hasSize(1);
    assertThat(http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "payments"))).hasSize(2);
  }

  @Test
  void cpuStressRunsAJobBesideTheTargetPodsUntilTheDeadline() {
    Injection injection =
        injector.inject(
            "f1",
            new FaultSpec(
                FaultKind.CPU_STRESS,
                CANARY,
                Duration.ofSeconds(90),
                new FaultParameters(null, null, null, null, null, null, 2, null, null)),
            NOW);

    System.out.println(injection.summary());
    Job job = cluster.client().batch().v1().jobs().inNamespace(NS).withName("aegis-chaos-f1").get();
    assertThat(job.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "aegis.dev/chaos-fault",
                "f1",
                "aegis.dev/chaos-target",
                "checkout",
                "aegis.dev/chaos-track",
                "canary",
                "aegis.dev/chaos-kind",
                "cpu-stress"));
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(90L);
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo(ChaosSettings.DEFAULT_STRESS_IMAGE);
    assertThat(pod.getContainers().get(0).getArgs())
        .containsExactly("--cpu", "2", "--cpu-load", "100", "--timeout", "90s", "--metrics-brief");
    PodAffinityTerm affinity =
        pod.getAffinity()
            .getPodAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .get(0);
    assertThat(affinity.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(affinity.getLabelSelector().getMatchLabels())
        .isEqualTo(MockCluster.canaryLabels("checkout"));
    assertThat(injection.reverts())
        .containsExactly(new Revert.DeleteObject("batch/v1", "Job", NS, "aegis-chaos-f1"));

    assertThat(injector.revert(injection).undone())
        .containsExactly("deleted Job demo/aegis-chaos-f1");
    assertThat(
            cluster.client().batch().v1().jobs().inNamespace(NS).withName("aegis-chaos-f1").get())
        .isNull();
    assertThat(injector.revert(injection).alreadyGone())
        .containsExactly("deleted Job demo/aegis-chaos-f1");
  }

  @Test
  void memoryStressFillsMemoryWithTheConfiguredImageOverridden() {
    injector.inject(
        "f1",
        new FaultSpec(
            FaultKind.MEMORY_STRESS,
            STABLE,
            Duration.ofMinutes(1),
            new FaultParameters(
                null, null, null, null, null, null, 2, "1Gi", "example.org/stress:1")),
        NOW);

    Job job = cluster.client().batch().v1().jobs().inNamespace(NS).withName("aegis-chaos-f1").get();
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("example.org/stress:1");
    assertThat(container.getArgs())
        .containsExactly(
            "--vm", "2", "--vm-bytes", "1024m", "--vm-keep", "--timeout", "60s", "--metrics-brief");
    var selector =
        job.getSpec()
            .getTemplate()
            .getSpec()
            .getAffinity()
            .getPodAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .get(0)
            .getLabelSelector();
    assertThat(selector.getMatchLabels()).isEqualTo(Map.of("app", "checkout"));
    assertThat(selector.getMatchExpressions())
        .containsExactly(
            new LabelSelectorRequirementBuilder()
                .withKey("aegis.dev/track")
                .withOperator("NotIn")
                .withValues("canary")
                .build());
  }

  @Test
  void networkPartitionDeniesAllTrafficOfTheTargetPods() {
    Injection injection =
        injector.inject("f1", spec(FaultKind.NETWORK_PARTITION, CANARY, FaultParameters.NONE), NOW);

    System.out.println(injection.summary());
    NetworkPolicy policy =
        cluster
            .client()
            .network()
            .v1()
            .networkPolicies()
            .inNamespace(NS)
            .withName("aegis-chaos-f1")
            .get();
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(MockCluster.canaryLabels("checkout"));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
    assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
    assertThat(policy.getMetadata().getLabels()).containsEntry("aegis.dev/chaos-fault", "f1");

    RevertOutcome first = injector.revert(injection);
    assertThat(first.undone()).containsExactly("deleted NetworkPolicy demo/aegis-chaos-f1");
    assertThat(cluster.client().network().v1().networkPolicies().inNamespace(NS).list().getItems())
        .isEmpty();
    assertThat(injector.revert(injection).alreadyGone())
        .containsExactly("deleted NetworkPolicy demo/aegis-chaos-f1");
  }

  @Test
  void anInjectionCutShortIsUndoneThroughEveryStepItCouldHaveNeeded() {
    FaultSpec partition =
        new FaultSpec(
            FaultKind.NETWORK_PARTITION, CANARY, Duration.ofMinutes(2), FaultParameters.NONE);
    FaultSpec abort =
        new FaultSpec(FaultKind.ABORT, STABLE, Duration.ofMinutes(2), FaultParameters.NONE);
    injector.inject("f1", partition, NOW);
    injector.inject("f2", abort, NOW);

    // Aegis died before recording the steps: only the fault ids and specs are known.
    RevertOutcome first =
        injector.revert(
            new Injection(
                "f1",
                partition,
                Mechanism.NATIVE,
                NOW,
                NOW,
                injector.possibleReverts("f1", partition),
                List.of(),
                ""));
    RevertOutcome second =
        injector.revert(
            new Injection(
                "f2",
                abort,
                Mechanism.NATIVE,
                NOW,
                NOW,
                injector.possibleReverts("f2", abort),
                List.of(),
                ""));

    assertThat(cluster.client().network().v1().networkPolicies().inNamespace(NS).list().getItems())
        .isEmpty();
    assertThat(http(cluster.get(ChaosObjects.VIRTUAL_SERVICE, "checkout")))
        .extracting(r -> ChaosObjects.asMap(r).get("name"))
        .doesNotContain("aegis-fault-f2");
    assertThat(first.undone()).containsExactly("deleted NetworkPolicy " + NS + "/aegis-chaos-f1");
    assertThat(first.alreadyGone()).hasSize(1); // the NetworkChaos Chaos Mesh would have made
    assertThat(second.undone())
        .containsExactly("removed route aegis-fault-f2 of VirtualService " + NS + "/checkout");
  }

  @Test
  void aTargetWithoutItsDeploymentIsRefusedBeforeAnythingIsCreated() {
    FaultTarget noCanary = new FaultTarget(NS, "payments", Track.CANARY);
    FaultTarget unknown = new FaultTarget(NS, "ghost", Track.STABLE);

    assertRefused(
        () ->
            injector.inject(
                "f1", spec(FaultKind.NETWORK_PARTITION, noCanary, FaultParameters.NONE), NOW),
        FaultRefusedException.NO_SUCH_WORKLOAD,
        "no canary of demo/payments is running");
    assertRefused(
        () -> injector.inject("f1", spec(FaultKind.CPU_STRESS, unknown, FaultParameters.NONE), NOW),
        FaultRefusedException.NO_SUCH_WORKLOAD,
        "Deployment demo/ghost not found");
    assertThat(cluster.client().network().v1().networkPolicies().inNamespace(NS).list().getItems())
        .isEmpty();
    assertThat(cluster.client().batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void parametersOutOfRangeAreRefusedBeforeAnythingIsCreated() {
    assertRefused(
        () ->
            injector.inject(
                "f1",
                spec(
                    FaultKind.NETWORK_PARTITION,
                    CANARY,
                    new FaultParameters(null, null, null, null, null, null, 2, null, null)),
                NOW),
        FaultRefusedException.INVALID_PARAMETERS,
        "parameters.workers is not used by network-partition");
    assertThat(cluster.client().network().v1().networkPolicies().inNamespace(NS).list().getItems())
        .isEmpty();
  }

  @Test
  void longFaultIdsMakeValidDistinctNames() {
    String id = "Fault_With.Upper-Case-and-a-very-long-tail-0123456789-abcdefghij";
    Injection injection =
        injector.inject(id, spec(FaultKind.NETWORK_PARTITION, CANARY, FaultParameters.NONE), NOW);

    String name = ((Revert.DeleteObject) injection.reverts().get(0)).name();
    System.out.println(name);
    assertThat(name)
        .matches("aegis-chaos-[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        .hasSizeLessThanOrEqualTo(52);
    assertThat(ChaosObjects.objectName(id + "x")).isNotEqualTo(name);
  }

  private static FaultSpec spec(FaultKind kind, FaultTarget target, FaultParameters parameters) {
    return new FaultSpec(kind, target, Duration.ofMinutes(2), parameters);
  }

  private static FaultParameters params(Double share, Integer maxPods) {
    return new FaultParameters(share, maxPods, null, null, null, null, null, null, null);
  }

  private static List<Object> http(GenericKubernetesResource vs) {
    return ChaosObjects.asList(
        ChaosObjects.asMap(vs.getAdditionalProperties().get("spec")).get("http"));
  }

  static void assertRefused(
      ThrowableAssert.ThrowingCallable call, String reason, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            FaultRefusedException.class,
            e -> {
              System.out.println(e.reason() + ": " + e.getMessage());
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }
}
