package dev.aegis.operators.actuation;

import static dev.aegis.operators.actuation.CanaryLifecycleTest.setWeight;
import static dev.aegis.operators.actuation.Shop.CANARY;
import static dev.aegis.operators.actuation.Shop.CANDIDATE;
import static dev.aegis.operators.actuation.Shop.CANDIDATE_IMAGE;
import static dev.aegis.operators.actuation.Shop.CART;
import static dev.aegis.operators.actuation.Shop.NS;
import static dev.aegis.operators.actuation.Shop.STABLE_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.operators.actuation.ActuationCommand.PromoteCandidate;
import dev.aegis.operators.actuation.ActuationCommand.QuarantineCandidate;
import dev.aegis.operators.actuation.ActuationCommand.RollBackCandidate;
import dev.aegis.operators.actuation.ActuationCommand.RollBackProduction;
import dev.aegis.operators.actuation.ActuationCommand.ScaleStable;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.operators.testing.KubernetesApi;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Production rollback, scaling, router detection, and how failures of the API and of the cluster's
 * state become Rejected or Deferred.
 */
class ActuatorCommandsTest {

  private static final String DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/shop/deployments/cart";

  @RegisterExtension static final KubernetesApi api = new KubernetesApi();

  private KubernetesActuator actuator;
  private Shop shop;

  @BeforeEach
  void setUp() {
    actuator = new KubernetesActuator(api.client());
    shop = new Shop(api.adminClient());
  }

  @Test
  void productionRollbackRestoresThePreviousTemplateOnce() {
    shop.seed(RouterKind.REPLICA_RATIO);
    actuator.apply(setWeight("exp-1/step-1", 50, RouterKind.REPLICA_RATIO));
    actuator.apply(
        new PromoteCandidate(
            "exp-1/promote", CART, NS, CANDIDATE, CANDIDATE_IMAGE, RouterKind.REPLICA_RATIO));

    ActuationResult rollback =
        actuator.apply(
            new RollBackProduction(
                "exp-1/prod-rollback", CART, NS, "error rate 6% > 5% for 5 min"));

    assertThat(rollback).isInstanceOf(ActuationResult.Applied.class);
    assertThat(
            shop.deployment(CART)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo(STABLE_IMAGE);
    assertThat(shop.deployment(CART).getMetadata().getAnnotations())
        .doesNotContainKey("aegis.dev/rollback-template")
        .containsEntry("aegis.dev/version", STABLE_IMAGE);
    assertThat(actuator.apply(new RollBackProduction("exp-1/prod-rollback", CART, NS, "again")))
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class, a -> assertThat(a.alreadyApplied()).isTrue());
    assertThat(actuator.apply(new RollBackProduction("exp-1/prod-rollback-2", CART, NS, "twice")))
        .isInstanceOfSatisfying(
            ActuationResult.Rejected.class,
            r -> assertThat(r.reason()).contains("no rollback target"));
  }

  @Test
  void productionRollbackWithoutAPromotionIsRejected() {
    shop.seed(RouterKind.REPLICA_RATIO);

    assertThat(actuator.apply(new RollBackProduction("c-1", CART, NS, "breach")))
        .isInstanceOfSatisfying(
            ActuationResult.Rejected.class,
            r -> assertThat(r.reason()).contains("shop/cart has no rollback target"));
    assertThat(shop.deployment(CART).getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @ParameterizedTest(name = "asking {0} replicas within [{1}, {2}] scales to {3}")
  @CsvSource({"7, 2, 10, 7", "50, 2, 10, 10", "0, 2, 10, 2", "3, 3, 3, 3"})
  void scalingClampsIntoTheBounds(int asked, int min, int max, int expected) {
    shop.seed(RouterKind.REPLICA_RATIO);

    ActuationResult result =
        actuator.apply(new ScaleStable("scale-" + asked, CART, NS, asked, min, max));

    assertThat(result).isInstanceOf(ActuationResult.Applied.class);
    assertThat(shop.deployment(CART).getSpec().getReplicas()).isEqualTo(expected);
  }

  @Test
  void scalingWithInvertedBoundsIsRejected() {
    shop.seed(RouterKind.REPLICA_RATIO);

    assertThat(actuator.apply(new ScaleStable("scale-1", CART, NS, 5, 10, 2)))
        .isInstanceOf(ActuationResult.Rejected.class);
  }

  @ParameterizedTest(name = "AUTO finds {0}")
  @CsvSource({
    "ISTIO, VirtualService",
    "GATEWAY_API, HTTPRoute",
    "SMI, TrafficSplit",
    "REPLICA_RATIO, replica ratio"
  })
  void autoDetectsTheRoutingObjectInTheNamespace(RouterKind seeded, String described) {
    shop.seed(seeded);

    ActuationResult result = actuator.apply(setWeight("exp-1/step-1", 10, RouterKind.AUTO));

    assertThat(result)
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class,
            a -> assertThat(a.detail()).contains("via " + described));
    assertThat(shop.split(seeded))
        .containsEntry(CANARY, seeded == RouterKind.REPLICA_RATIO ? 1 : 10);
  }

  @Test
  void autoPrefersIstioOverGatewayApi() {
    shop.seed(RouterKind.GATEWAY_API);
    ClusterFixtures.create(
        api.adminClient(),
        IstioVirtualServiceRouter.VIRTUAL_SERVICE,
        ClusterFixtures.virtualService(NS, CART));

    actuator.apply(setWeight("exp-1/step-1", 10, RouterKind.AUTO));

    assertThat(shop.split(RouterKind.ISTIO)).containsEntry(CANARY, 10);
    assertThat(shop.split(RouterKind.GATEWAY_API)).containsOnlyKeys(CART);
  }

  @Test
  void missingStableDeploymentIsRejected() {
    assertThat(actuator.apply(setWeight("exp-1/step-1", 10, RouterKind.AUTO)))
        .isInstanceOfSatisfying(
            ActuationResult.Rejected.class,
            r ->
                assertThat(r.reason())
                    .isEqualTo("Deployment shop/cart not found: the stable workload must exist"));
  }

  @Test
  void explicitRouterWithoutItsRoutingObjectIsRejectedBeforeAnyWrite() {
    shop.seed(RouterKind.REPLICA_RATIO);

    ActuationResult result = actuator.apply(setWeight("exp-1/step-1", 10, RouterKind.ISTIO));

    assertThat(result)
        .isInstanceOfSatisfying(
            ActuationResult.Rejected.class,
            r -> assertThat(r.reason()).startsWith("VirtualService shop/cart not found"));
  }

  @Test
  void rollbackOfAnOlderCandidateLeavesANewerCanaryAlone() {
    shop.seed(RouterKind.REPLICA_RATIO);
    actuator.apply(setWeight("exp-2/step-1", 10, RouterKind.REPLICA_RATIO));

    ActuationResult result =
        actuator.apply(
            new RollBackCandidate(
                "exp-1/rollback", CART, NS, "1.0.9", RouterKind.REPLICA_RATIO, "late"));

    assertThat(result).isInstanceOf(ActuationResult.Rejected.class);
    assertThat(shop.deployment(CANARY).getSpec().getReplicas()).isEqualTo(1);
  }

  @ParameterizedTest(name = "HTTP {0} is Rejected")
  @CsvSource({"403, forbidden", "422, refused the change"})
  void permanentApiRefusalsAreRejected(int code, String reason) {
    shop.seed(RouterKind.REPLICA_RATIO);
    api.server()
        .expect()
        .put()
        .withPath(DEPLOYMENT_PATH)
        .andReturn(code, new StatusBuilder().withCode(code).withMessage("not today").build())
        .once();

    ActuationResult result = actuator.apply(new ScaleStable("scale-1", CART, NS, 5, 1, 10));

    assertThat(result)
        .isInstanceOfSatisfying(
            ActuationResult.Rejected.class,
            r -> assertThat(r.reason()).contains(reason).contains("not today"));
  }

  @Test
  void serverErrorsAreDeferred() {
    shop.seed(RouterKind.REPLICA_RATIO);
    api.server().expect().get().withPath(DEPLOYMENT_PATH).andReturn(503, "overloaded").once();

    assertThat(actuator.apply(new ScaleStable("scale-1", CART, NS, 5, 1, 10)))
        .isInstanceOfSatisfying(
            ActuationResult.Deferred.class, d -> assertThat(d.reason()).contains("HTTP 503"));
    assertThat(shop.deployment(CART).getSpec().getReplicas()).isEqualTo(Shop.REPLICAS);
  }

  @Test
  void timeoutsAreDeferred() {
    shop.seed(RouterKind.REPLICA_RATIO);
    api.server().expect().get().delay(3_000).withPath(DEPLOYMENT_PATH).andReturn(200, "{}").once();
    KubernetesActuator impatient =
        new KubernetesActuator(api.newClient(c -> c.withRequestTimeout(200)));

    assertThat(impatient.apply(new ScaleStable("scale-1", CART, NS, 5, 1, 10)))
        .isInstanceOf(ActuationResult.Deferred.class);
  }

  @Test
  void aCommandInterruptedBetweenTwoWritesCompletesTheRestWhenRunAgain() {
    shop.seed(RouterKind.ISTIO);
    api.server()
        .expect()
        .put()
        .withPath("/apis/networking.istio.io/v1/namespaces/shop/virtualservices/cart")
        .andReturn(500, "crash")
        .once();
    var command = setWeight("exp-1/step-1", 10, RouterKind.ISTIO);

    assertThat(actuator.apply(command)).isInstanceOf(ActuationResult.Deferred.class);
    String canaryVersion = shop.deployment(CANARY).getMetadata().getResourceVersion();
    assertThat(shop.split(RouterKind.ISTIO)).containsOnlyKeys(CART);

    ActuationResult rerun = actuator.apply(command);

    assertThat(rerun)
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class,
            a -> {
              assertThat(a.alreadyApplied()).isFalse();
              assertThat(a.detail())
                  .contains("wrote VirtualService shop/cart")
                  .doesNotContain("wrote Deployment");
            });
    assertThat(shop.deployment(CANARY).getMetadata().getResourceVersion()).isEqualTo(canaryVersion);
    assertThat(shop.split(RouterKind.ISTIO)).isEqualTo(Map.of(CART, 90, CANARY, 10));
  }

  @Test
  void aQuarantineReissuedWithAnotherRcaUpdatesTheIsolation() {
    shop.seed(RouterKind.ISTIO);
    actuator.apply(setWeight("exp-1/step-1", 10, RouterKind.ISTIO));
    actuator.apply(
        new QuarantineCandidate(
            "exp-1/quarantine",
            CART,
            NS,
            CANDIDATE,
            "rca-1",
            QuarantineShape.KEEP_ISOLATED,
            RouterKind.ISTIO));

    ActuationResult again =
        actuator.apply(
            new QuarantineCandidate(
                "exp-1/quarantine-2",
                CART,
                NS,
                CANDIDATE,
                "rca-2",
                QuarantineShape.KEEP_ISOLATED,
                RouterKind.ISTIO));

    assertThat(again)
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class,
            a -> assertThat(a.detail()).contains("NetworkPolicy shop/cart-canary-quarantine"));
    assertThat(
            api.adminClient()
                .network()
                .v1()
                .networkPolicies()
                .inNamespace(NS)
                .withName("cart-canary-quarantine")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry("aegis.dev/rca-id", "rca-2");
    assertThat(shop.deployment(CANARY).getMetadata().getAnnotations())
        .containsEntry("aegis.dev/rca-id", "rca-2");
  }

  @Test
  void quarantineOfAPromotedCandidateLabelsTheIdleCanary() {
    shop.seed(RouterKind.REPLICA_RATIO);
    actuator.apply(setWeight("exp-1/step-1", 100, RouterKind.REPLICA_RATIO));
    actuator.apply(
        new PromoteCandidate(
            "exp-1/promote", CART, NS, CANDIDATE, CANDIDATE_IMAGE, RouterKind.REPLICA_RATIO));
    actuator.apply(new RollBackProduction("exp-1/prod-rollback", CART, NS, "breach"));

    ActuationResult result =
        actuator.apply(
            new QuarantineCandidate(
                "exp-1/quarantine",
                CART,
                NS,
                CANDIDATE,
                "rca-7",
                QuarantineShape.SCALE_TO_ZERO,
                RouterKind.REPLICA_RATIO));

    assertThat(result).isInstanceOf(ActuationResult.Applied.class);
    assertThat(shop.deployment(CANARY).getMetadata().getLabels())
        .containsEntry("aegis.dev/lifecycle", "quarantined");
    assertThat(shop.split(RouterKind.REPLICA_RATIO))
        .isEqualTo(Map.of(CART, Shop.REPLICAS, CANARY, 0));
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

  @Test
  @DisplayName(
      "a command run again after a later command of its experiment changes nothing: a relay whose"
          + " lease ran out does not undo the shift made after it")
  void aCommandOvertakenByALaterOneIsNotWrittenAgain() {
    shop.seed(RouterKind.ISTIO);
    var fifty = setWeight("exp-1:3:0", 50, RouterKind.ISTIO);
    actuator.apply(fifty);
    actuator.apply(setWeight("exp-1:5:0", 100, RouterKind.ISTIO));

    ActuationResult late = actuator.apply(fifty);

    assertThat(late)
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class, a -> assertThat(a.alreadyApplied()).isTrue());
    assertThat(shop.split(RouterKind.ISTIO)).isEqualTo(Map.of(CART, 0, CANARY, 100));
    assertThat(actuator.apply(setWeight("exp-2:1:0", 10, RouterKind.ISTIO)))
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class, a -> assertThat(a.alreadyApplied()).isFalse());
    assertThat(shop.split(RouterKind.ISTIO)).isEqualTo(Map.of(CART, 90, CANARY, 10));
  }

  @Test
  @DisplayName(
      "a call whose lease runs out writes nothing after it, even over another experiment's"
          + " objects; run again while held, it writes only what is missing")
  void aCallWhoseLeaseRanOutStopsBeforeItsNextWrite() {
    shop.seed(RouterKind.ISTIO);
    var command = setWeight("exp-1:1:0", 10, RouterKind.ISTIO);
    AtomicInteger asked = new AtomicInteger();

    ActuationResult cut = actuator.apply(command, () -> asked.incrementAndGet() == 1);

    assertThat(cut)
        .isInstanceOfSatisfying(
            ActuationResult.Deferred.class,
            d -> assertThat(d.reason()).contains("lease on the command ran out before"));
    assertThat(shop.deployment(CANARY)).as("the first object, written while held").isNotNull();
    assertThat(shop.split(RouterKind.ISTIO)).as("the second, not written").containsOnlyKeys(CART);
    String canaryVersion = shop.deployment(CANARY).getMetadata().getResourceVersion();

    assertThat(actuator.apply(command, () -> true))
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class,
            a -> assertThat(a.detail()).doesNotContain("wrote Deployment"));
    assertThat(shop.deployment(CANARY).getMetadata().getResourceVersion()).isEqualTo(canaryVersion);
    assertThat(shop.split(RouterKind.ISTIO)).isEqualTo(Map.of(CART, 90, CANARY, 10));

    actuator.apply(setWeight("exp-2:1:0", 50, RouterKind.ISTIO));
    assertThat(actuator.apply(setWeight("exp-1:3:0", 100, RouterKind.ISTIO), () -> false))
        .as("a stale command of the earlier experiment")
        .isInstanceOf(ActuationResult.Deferred.class);
    assertThat(shop.split(RouterKind.ISTIO)).isEqualTo(Map.of(CART, 50, CANARY, 50));
  }

  @Test
  @DisplayName(
      "only a later revision, or a later index of the same revision, of one experiment is later")
  void laterCommands() {
    assertThat(EditWriter.isLater("exp-1:5:0", "exp-1:3:0")).isTrue();
    assertThat(EditWriter.isLater("exp-1:3:1", "exp-1:3:0")).isTrue();
    assertThat(EditWriter.isLater("exp-1:10:0", "exp-1:9:4")).isTrue();
    assertThat(EditWriter.isLater("exp-1:3:0", "exp-1:3:0")).isFalse();
    assertThat(EditWriter.isLater("exp-1:3:0", "exp-1:5:0")).isFalse();
    assertThat(EditWriter.isLater("exp-2:9:0", "exp-1:3:0")).isFalse();
    assertThat(EditWriter.isLater("a:b:exp-1:9:0", "exp-1:3:0")).isFalse();
    assertThat(EditWriter.isLater("exp-1/step-2", "exp-1/step-1")).isFalse();
    assertThat(EditWriter.isLater(null, "exp-1:3:0")).isFalse();
    assertThat(EditWriter.isLater("exp-1:x:0", "exp-1:3:0")).isFalse();
  }
}
