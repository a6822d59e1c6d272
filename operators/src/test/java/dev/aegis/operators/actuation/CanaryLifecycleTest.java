package dev.aegis.operators.actuation;

import static dev.aegis.operators.actuation.Shop.CANARY;
import static dev.aegis.operators.actuation.Shop.CANDIDATE;
import static dev.aegis.operators.actuation.Shop.CANDIDATE_IMAGE;
import static dev.aegis.operators.actuation.Shop.CART;
import static dev.aegis.operators.actuation.Shop.NS;
import static dev.aegis.operators.actuation.Shop.REPLICAS;
import static dev.aegis.operators.actuation.Shop.STABLE_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.aegis.operators.actuation.ActuationCommand.PromoteCandidate;
import dev.aegis.operators.actuation.ActuationCommand.QuarantineCandidate;
import dev.aegis.operators.actuation.ActuationCommand.RollBackCandidate;
import dev.aegis.operators.actuation.ActuationCommand.SetTrafficWeight;
import dev.aegis.operators.testing.KubernetesApi;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A canary's life on the cluster, for every router: the 10/50/100 steps route the planned weights,
 * promotion moves the candidate into the stable Deployment, rollback and quarantine return all
 * traffic to stable and leave the documented shapes, and a repeated command writes nothing.
 */
class CanaryLifecycleTest {

  @RegisterExtension static final KubernetesApi api = new KubernetesApi();

  private KubernetesActuator actuator;
  private Shop shop;

  @BeforeEach
  void setUp() {
    actuator = new KubernetesActuator(api.client());
    shop = new Shop(api.adminClient());
  }

  @ParameterizedTest(
      name = "{0}: each step of 10/50/100 routes the planned weights, summing to 100")
  @EnumSource(
      value = RouterKind.class,
      names = {"ISTIO", "GATEWAY_API", "SMI", "REPLICA_RATIO"})
  void eachStepRoutesThePlannedWeights(RouterKind router) {
    shop.seed(router);
    int step = 0;
    for (int weight : new int[] {10, 50, 100}) {
      ActuationResult result = actuator.apply(setWeight("exp-1/step-" + ++step, weight, router));

      assertThat(result).isInstanceOf(ActuationResult.Applied.class);
      int canaryReplicas = (REPLICAS * weight + 99) / 100;
      if (Shop.isMesh(router)) {
        assertThat(shop.split(router))
            .containsExactly(Map.entry(CART, 100 - weight), Map.entry(CANARY, weight));
        assertThat(shop.deployment(CANARY).getSpec().getReplicas()).isEqualTo(canaryReplicas);
        assertThat(shop.deployment(CART).getSpec().getReplicas()).isEqualTo(REPLICAS);
      } else {
        assertThat(shop.split(router))
            .containsExactly(
                Map.entry(CART, REPLICAS - canaryReplicas), Map.entry(CANARY, canaryReplicas));
      }
      assertThat(shop.split(router).values().stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(Shop.isMesh(router) ? 100 : REPLICAS);
    }
  }

  @ParameterizedTest(
      name = "{0}: the canary runs the candidate image, selected apart from the stable pods")
  @EnumSource(
      value = RouterKind.class,
      names = {"ISTIO", "GATEWAY_API", "SMI", "REPLICA_RATIO"})
  void canaryRunsTheCandidateApartFromStable(RouterKind router) {
    shop.seed(router);

    actuator.apply(setWeight("exp-1/step-1", 10, router));

    Deployment stable = shop.deployment(CART);
    Deployment canary = shop.deployment(CANARY);
    PodTemplateSpec pods = canary.getSpec().getTemplate();
    assertThat(pods.getSpec().getContainers())
        .extracting(Container::getName, Container::getImage)
        .containsExactly(tuple(CART, CANDIDATE_IMAGE), tuple("log-shipper", "fluent-bit:3.0"));
    assertThat(pods.getMetadata().getLabels())
        .containsEntry("aegis.dev/track", "canary")
        .containsEntry("aegis.dev/version", CANDIDATE)
        .containsEntry("tier", "web");
    assertThat(canary.getSpec().getSelector().getMatchLabels())
        .containsEntry("aegis.dev/track", "canary")
        .containsEntry("aegis.dev/canary-of", CART);
    assertThat(
            selects(
                canary.getSpec().getSelector().getMatchLabels(), stable.getSpec().getTemplate()))
        .as("canary selector must not match stable pods")
        .isFalse();
    assertThat(selects(stable.getSpec().getSelector().getMatchLabels(), pods))
        .as(
            "stable selector matches canary pods only when they share the stable Service (replica ratio)")
        .isEqualTo(!Shop.isMesh(router));
    Service canaryService = api.adminClient().services().inNamespace(NS).withName(CANARY).get();
    if (Shop.isMesh(router)) {
      assertThat(canaryService.getSpec().getSelector())
          .isEqualTo(canary.getSpec().getSelector().getMatchLabels());
      assertThat(canaryService.getSpec().getPorts())
          .singleElement()
          .satisfies(port -> assertThat(port.getPort()).isEqualTo(80));
    } else {
      assertThat(canaryService).isNull();
    }
  }

  @ParameterizedTest(
      name = "{0}: promotion copies the candidate template and remembers the rollback target")
  @EnumSource(
      value = RouterKind.class,
      names = {"ISTIO", "GATEWAY_API", "SMI", "REPLICA_RATIO"})
  void promotionCopiesTheCandidateTemplate(RouterKind router) {
    shop.seed(router);
    actuator.apply(setWeight("exp-1/step-1", 10, router));
    actuator.apply(setWeight("exp-1/step-2", 50, router));
    PodTemplateSpec before = shop.deployment(CART).getSpec().getTemplate();

    ActuationResult result =
        actuator.apply(
            new PromoteCandidate("exp-1/promote", CART, NS, CANDIDATE, CANDIDATE_IMAGE, router));

    assertThat(result).isInstanceOf(ActuationResult.Applied.class);
    Deployment stable = shop.deployment(CART);
    PodTemplateSpec after = stable.getSpec().getTemplate();
    assertThat(after.getSpec().getContainers().get(0).getImage()).isEqualTo(CANDIDATE_IMAGE);
    assertThat(after.getSpec())
        .isEqualTo(shop.deployment(CANARY).getSpec().getTemplate().getSpec());
    assertThat(after.getMetadata().getLabels())
        .containsEntry("app", CART)
        .containsEntry("tier", "web")
        .doesNotContainKeys("aegis.dev/track", "aegis.dev/canary-of");
    assertThat(selects(stable.getSpec().getSelector().getMatchLabels(), after)).isTrue();
    assertThat(stable.getMetadata().getAnnotations())
        .containsEntry("aegis.dev/version", CANDIDATE)
        .containsEntry("aegis.dev/rollback-version", STABLE_IMAGE);
    PodTemplateSpec remembered =
        api.adminClient()
            .getKubernetesSerialization()
            .unmarshal(
                stable.getMetadata().getAnnotations().get("aegis.dev/rollback-template"),
                PodTemplateSpec.class);
    assertThat(remembered).isEqualTo(before);
    assertAllTrafficOnStable(router);
  }

  @ParameterizedTest(name = "{0}: rolling back the candidate restores 100% stable")
  @EnumSource(
      value = RouterKind.class,
      names = {"ISTIO", "GATEWAY_API", "SMI", "REPLICA_RATIO"})
  void rollbackRestoresAllTrafficToStable(RouterKind router) {
    shop.seed(router);
    actuator.apply(setWeight("exp-1/step-1", 10, router));
    actuator.apply(setWeight("exp-1/step-2", 50, router));

    ActuationResult result =
        actuator.apply(
            new RollBackCandidate(
                "exp-1/rollback", CART, NS, CANDIDATE, router, "error rate 7% > 2%"));

    assertThat(result).isInstanceOf(ActuationResult.Applied.class);
    assertAllTrafficOnStable(router);
    assertThat(
            shop.deployment(CART)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo(STABLE_IMAGE);
  }

  static Stream<Arguments> routersAndShapes() {
    return Stream.of(
            RouterKind.ISTIO, RouterKind.GATEWAY_API, RouterKind.SMI, RouterKind.REPLICA_RATIO)
        .flatMap(
            router -> Stream.of(QuarantineShape.values()).map(shape -> arguments(router, shape)));
  }

  @ParameterizedTest(name = "{0}, {1}: quarantine leaves the V3 shape")
  @MethodSource("routersAndShapes")
  void quarantineLeavesTheV3Shape(RouterKind router, QuarantineShape shape) {
    shop.seed(router);
    actuator.apply(setWeight("exp-1/step-1", 10, router));

    ActuationResult result =
        actuator.apply(
            new QuarantineCandidate(
                "exp-1/quarantine", CART, NS, CANDIDATE, "rca-42", shape, router));

    assertThat(result).isInstanceOf(ActuationResult.Applied.class);
    Deployment canary = shop.deployment(CANARY);
    assertThat(canary.getMetadata().getLabels())
        .containsEntry("aegis.dev/lifecycle", "quarantined");
    assertThat(canary.getMetadata().getAnnotations()).containsEntry("aegis.dev/rca-id", "rca-42");
    NetworkPolicy policy =
        api.adminClient()
            .network()
            .v1()
            .networkPolicies()
            .inNamespace(NS)
            .withName("cart-canary-quarantine")
            .get();
    if (shape == QuarantineShape.SCALE_TO_ZERO) {
      assertThat(canary.getSpec().getReplicas()).isZero();
      assertThat(policy).isNull();
    } else {
      assertThat(canary.getSpec().getReplicas()).isEqualTo(1);
      PodTemplateSpec pods = canary.getSpec().getTemplate();
      assertThat(selects(policy.getSpec().getPodSelector().getMatchLabels(), pods)).isTrue();
      assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
      assertThat(policy.getSpec().getIngress()).isEmpty();
      assertThat(policy.getSpec().getEgress())
          .singleElement()
          .satisfies(
              rule ->
                  assertThat(rule.getPorts())
                      .allSatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(53)));
      assertThat(policy.getMetadata().getAnnotations()).containsEntry("aegis.dev/rca-id", "rca-42");
      assertThat(selects(shop.deployment(CART).getSpec().getSelector().getMatchLabels(), pods))
          .as("a kept pod must be out of the stable Service")
          .isFalse();
    }
    Map<String, Integer> split = shop.split(router);
    if (Shop.isMesh(router)) {
      assertThat(split).containsExactly(Map.entry(CART, 100), Map.entry(CANARY, 0));
    } else {
      assertThat(split.get(CART)).isEqualTo(REPLICAS);
    }
  }

  @ParameterizedTest(name = "{0}: the same command applied twice writes nothing the second time")
  @EnumSource(
      value = RouterKind.class,
      names = {"ISTIO", "GATEWAY_API", "SMI", "REPLICA_RATIO"})
  void sameCommandTwiceIsANoOp(RouterKind router) {
    shop.seed(router);
    SetTrafficWeight command = setWeight("exp-1/step-1", 10, router);
    actuator.apply(command);
    Map<String, String> versions = resourceVersions(router);
    int requestsBefore = api.requests().size();

    ActuationResult again = actuator.apply(command);

    assertThat(again)
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class,
            applied -> assertThat(applied.alreadyApplied()).isTrue());
    assertThat(resourceVersions(router)).isEqualTo(versions);
    assertThat(api.requests().subList(requestsBefore, api.requests().size()))
        .allSatisfy(request -> assertThat(request.verb()).isEqualTo("get"));
  }

  private Map<String, String> resourceVersions(RouterKind router) {
    Map<String, String> versions = new TreeMap<>();
    versions.put("stable", version(shop.deployment(CART)));
    versions.put("canary", version(shop.deployment(CANARY)));
    if (Shop.isMesh(router)) {
      versions.put(
          "canary service",
          version(api.adminClient().services().inNamespace(NS).withName(CANARY).get()));
      versions.put("routing", version(shop.routing(router)));
    }
    return versions;
  }

  private static String version(HasMetadata object) {
    return object.getMetadata().getResourceVersion();
  }

  private void assertAllTrafficOnStable(RouterKind router) {
    assertThat(shop.deployment(CANARY).getSpec().getReplicas()).isZero();
    if (Shop.isMesh(router)) {
      assertThat(shop.split(router)).containsExactly(Map.entry(CART, 100), Map.entry(CANARY, 0));
    } else {
      assertThat(shop.split(router))
          .containsExactly(Map.entry(CART, REPLICAS), Map.entry(CANARY, 0));
    }
  }

  static SetTrafficWeight setWeight(String id, int weight, RouterKind router) {
    return new SetTrafficWeight(id, CART, NS, CANDIDATE, CANDIDATE_IMAGE, weight, router);
  }

  /** Whether a matchLabels selector selects the template's pods. */
  static boolean selects(Map<String, String> matchLabels, PodTemplateSpec pods) {
    return pods.getMetadata().getLabels().entrySet().containsAll(matchLabels.entrySet());
  }
}
