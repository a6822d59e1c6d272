package dev.aegis.operators.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.operators.resource.ExperimentReconciler.Settings;
import dev.aegis.operators.resource.RecordingGateway.Abort;
import dev.aegis.operators.testing.KubernetesApi;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler against fabric8's Kubernetes API server in CRUD mode, with the CRD from
 * kubernetes/crd registered so that the status subresource behaves as on a cluster. The test's own
 * requests go through the admin client, as a user's {@code kubectl} would; the reconciler's are
 * checked against the operator's ClusterRole after each test.
 */
class ExperimentReconcilerTest {

  static final String NAMESPACE = "shop";
  static final Instant T0 = Instant.parse("2025-01-31T12:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);
  static final Instant T2 = T0.plusSeconds(120);
  static final Instant T3 = T0.plusSeconds(180);

  /**
   * CRUD API server; every request of the reconciler's client is checked against
   * kubernetes/rbac.yaml.
   */
  @RegisterExtension final KubernetesApi api = new KubernetesApi();

  private KubernetesClient admin;
  private final RecordingGateway gateway = new RecordingGateway();
  private final MutableClock clock = new MutableClock(T0);
  private ExperimentReconciler reconciler;

  @BeforeEach
  void registerCrd() throws Exception {
    admin = api.adminClient();
    admin.resource(ExperimentCrdTest.crd()).create();
  }

  @AfterEach
  void stopReconciler() {
    if (reconciler != null) {
      reconciler.close();
    }
  }

  private void startReconciler(Settings settings) {
    reconciler =
        new ExperimentReconciler(
            api.client(), gateway, settings.pollEvery(Duration.ofMillis(50)), clock);
    reconciler.start();
  }

  @Test
  void aNewResourceIsSubmittedOnceWithTheRestBodyAndItsUidAsIdempotencyKey() throws Exception {
    startReconciler(Settings.allNamespaces());
    ExperimentResource created = admin.resource(checkout("checkout-1-4-2", NAMESPACE)).create();

    ExperimentStatus status = awaitStatus("checkout-1-4-2", s -> s.experimentId() != null);
    awaitTicks(5);

    assertThat(gateway.submissions)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.idempotencyKey()).isEqualTo(created.getMetadata().getUid());
              assertThat(s.actor()).isEqualTo("kubernetes:shop/checkout-1-4-2");
              assertThat(new ObjectMapper().readTree(s.json()))
                  .isEqualTo(
                      new ObjectMapper()
                          .readTree(
                              """
          {"service": "checkout", "namespace": "shop",
           "candidate": {"version": "1.4.2", "image": "registry.example.com/checkout:1.4.2"},
           "policy": {"steps": [{"weight": 10, "minDuration": "PT5S"}, {"weight": 50, "minDuration": "PT5S"},
                                {"weight": 100, "minDuration": "PT5S"}],
                      "slo": {"maxErrorRate": 0.02, "maxP95LatencyMs": 3000.0}},
           "router": "replica-ratio"}
          """));
            });
    assertThat(status.experimentId()).isEqualTo("exp-1");
    assertThat(status.phase()).isEqualTo("SUBMITTED");
    assertThat(status.observedGeneration()).isEqualTo(1);
    assertThat(status.condition(ConditionType.SUBMITTED).orElseThrow().reason())
        .isEqualTo("Accepted");
    assertThat(get("checkout-1-4-2").getFinalizers())
        .containsExactly(ExperimentReconciler.FINALIZER);
  }

  @Test
  void statusFollowsTheCanaryStepsToPromotionAndTransitionTimesMoveOnlyOnFlips() {
    startReconciler(Settings.allNamespaces());
    admin.resource(checkout("checkout-1-4-2", NAMESPACE)).create();
    String id = awaitStatus("checkout-1-4-2", s -> s.experimentId() != null).experimentId();

    clock.set(T1);
    gateway.move(id, "CANARY", 1, 10, false, null);
    ExperimentStatus step1 =
        awaitStatus("checkout-1-4-2", s -> Integer.valueOf(10).equals(s.weight()));
    clock.set(T2);
    gateway.move(id, "CANARY", 2, 50, true, null);
    ExperimentStatus step2 =
        awaitStatus("checkout-1-4-2", s -> Integer.valueOf(50).equals(s.weight()));
    gateway.move(id, "CANARY", 3, 100, false, null);
    awaitStatus("checkout-1-4-2", s -> Integer.valueOf(100).equals(s.weight()));
    clock.set(T3);
    gateway.move(id, "PROMOTED", 3, 100, false, null);
    ExperimentStatus promoted = awaitStatus("checkout-1-4-2", s -> "PROMOTED".equals(s.phase()));

    assertThat(step1.step()).isEqualTo(1);
    assertThat(step1.phase()).isEqualTo("CANARY");
    assertThat(condition(step1, ConditionType.PROGRESSING))
        .isEqualTo(
            new ExperimentCondition(
                "Progressing", "True", "Canary", "canary at step 1", T0.toString()));
    assertThat(condition(step2, ConditionType.ACTUATION_PENDING).status()).isEqualTo("True");
    assertThat(condition(step2, ConditionType.ACTUATION_PENDING).lastTransitionTime())
        .isEqualTo(T2.toString());
    assertThat(step2.actuationPending()).isTrue();
    assertThat(condition(promoted, ConditionType.PROMOTED).lastTransitionTime())
        .isEqualTo(T3.toString());
    assertThat(condition(promoted, ConditionType.PROGRESSING).status()).isEqualTo("False");
    assertThat(condition(promoted, ConditionType.SUBMITTED).lastTransitionTime())
        .isEqualTo(T0.toString());
    assertThat(promoted.conditions())
        .extracting(ExperimentCondition::type)
        .containsExactly("Submitted", "Progressing", "ActuationPending", "Promoted");

    // An ended experiment needs no finalizer; deleting its resource is immediate and aborts
    // nothing.
    await().until(() -> get("checkout-1-4-2").getFinalizers().isEmpty());
    admin.resource(get("checkout-1-4-2")).delete();
    await().until(() -> get("checkout-1-4-2") == null);
    assertThat(gateway.aborts).isEmpty();
  }

  @Test
  void aQuarantinedOutcomeShowsTheRcaRecord() {
    startReconciler(Settings.allNamespaces());
    admin.resource(checkout("checkout-1-4-2", NAMESPACE)).create();
    String id = awaitStatus("checkout-1-4-2", s -> s.experimentId() != null).experimentId();

    gateway.move(id, "CANARY", 1, 10, false, null);
    awaitStatus("checkout-1-4-2", s -> "CANARY".equals(s.phase()));
    gateway.move(id, "QUARANTINED", 1, 0, false, "rca-42");
    ExperimentStatus quarantined =
        awaitStatus("checkout-1-4-2", s -> "QUARANTINED".equals(s.phase()));

    assertThat(quarantined.rcaId()).isEqualTo("rca-42");
    assertThat(quarantined.weight()).isZero();
    assertThat(condition(quarantined, ConditionType.QUARANTINED).message()).contains("rca-42");
    assertThat(quarantined.condition(ConditionType.PROMOTED)).isEmpty();
  }

  @Test
  void deletingARunningResourceAbortsItsExperimentOnceAndLeavesOthersRunning() {
    startReconciler(Settings.allNamespaces());
    admin.resource(checkout("checkout-1-4-2", NAMESPACE)).create();
    admin.resource(checkout("witness", NAMESPACE)).create();
    String id = awaitStatus("checkout-1-4-2", s -> s.experimentId() != null).experimentId();
    gateway.move(id, "CANARY", 2, 50, false, null);
    awaitStatus("checkout-1-4-2", s -> "CANARY".equals(s.phase()));

    admin.resource(get("checkout-1-4-2")).delete();

    await().until(() -> get("checkout-1-4-2") == null);
    awaitTicks(5);
    assertThat(gateway.aborts)
        .containsExactly(
            new Abort(id, "kubernetes:shop/checkout-1-4-2", "Experiment resource deleted"));
    assertThat(get("witness").getStatus().running()).isTrue();
  }

  @Test
  void aResourceDeletedWithoutTheFinalizerIsAbortedFromTheDeleteEvent() {
    startReconciler(Settings.allNamespaces());
    admin.resource(checkout("checkout-1-4-2", NAMESPACE)).create();
    String id = awaitStatus("checkout-1-4-2", s -> s.experimentId() != null).experimentId();
    await().until(() -> get("checkout-1-4-2").hasFinalizer(ExperimentReconciler.FINALIZER));

    jsonPatch("checkout-1-4-2", "[{\"op\": \"remove\", \"path\": \"/metadata/finalizers\"}]");
    admin.resource(get("checkout-1-4-2")).delete();

    await().until(() -> gateway.aborts.size() == 1);
    assertThat(gateway.aborts.get(0).experimentId()).isEqualTo(id);
  }

  @Test
  void aRefusedSubmissionShowsTheReasonAndIsRetriedOnlyWhenTheSpecChanges() {
    startReconciler(Settings.allNamespaces());
    admin.resource(checkout("witness", NAMESPACE)).create();
    awaitStatus("witness", s -> s.experimentId() != null);
    gateway.refuseWith("image registry.example.com/checkout:1.4.2 is quarantined (rca-7)");
    admin.resource(checkout("checkout-1-4-2", NAMESPACE)).create();

    ExperimentStatus refused = awaitStatus("checkout-1-4-2", s -> "REFUSED".equals(s.phase()));
    await().until(() -> get("checkout-1-4-2").getFinalizers().isEmpty());
    awaitTicks(5);

    assertThat(refused.message())
        .isEqualTo("image registry.example.com/checkout:1.4.2 is quarantined (rca-7)");
    assertThat(refused.experimentId()).isNull();
    assertThat(condition(refused, ConditionType.SUBMITTED))
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo("False");
              assertThat(c.reason()).isEqualTo("Refused");
              assertThat(c.message()).contains("is quarantined (rca-7)");
            });
    assertThat(gateway.submissions).hasSize(2);

    gateway.refuseWith(null);
    jsonPatch(
        "checkout-1-4-2",
        """
        [{"op": "replace", "path": "/spec/candidate",
          "value": {"version": "1.4.3", "image": "registry.example.com/checkout:1.4.3"}}]
        """);

    ExperimentStatus accepted = awaitStatus("checkout-1-4-2", s -> s.experimentId() != null);
    assertThat(accepted.observedGeneration()).isEqualTo(2);
    assertThat(condition(accepted, ConditionType.SUBMITTED).status()).isEqualTo("True");
    assertThat(gateway.submissions).hasSize(3);
    assertThat(gateway.submissions.get(2).json()).contains("checkout:1.4.3");
  }

  @Test
  void theReconcilerSurvivesAnUnreachableOrchestrator() {
    startReconciler(Settings.allNamespaces());
    gateway.failNext(3);
    admin.resource(checkout("checkout-1-4-2", NAMESPACE)).create();
    String id = awaitStatus("checkout-1-4-2", s -> s.experimentId() != null).experimentId();

    gateway.failNext(3);
    gateway.move(id, "CANARY", 1, 10, false, null);

    assertThat(awaitStatus("checkout-1-4-2", s -> "CANARY".equals(s.phase())).weight())
        .isEqualTo(10);
    assertThat(gateway.submissions).hasSize(1);
  }

  @Test
  void aNamespaceScopedReconcilerLeavesOtherNamespacesAlone() {
    startReconciler(Settings.allNamespaces().inNamespace(NAMESPACE));
    admin.resource(checkout("elsewhere", "other")).create();
    admin.resource(checkout("checkout-1-4-2", NAMESPACE)).create();

    awaitStatus("checkout-1-4-2", s -> s.experimentId() != null);
    awaitTicks(5);

    assertThat(gateway.submissions)
        .extracting(RecordingGateway.Submission::actor)
        .containsExactly("kubernetes:shop/checkout-1-4-2");
    assertThat(
            admin
                .resources(ExperimentResource.class)
                .inNamespace("other")
                .withName("elsewhere")
                .get()
                .getStatus())
        .isNull();
  }

  private static ExperimentResource checkout(String name, String namespace) {
    ExperimentResource experiment = new ExperimentResource();
    experiment.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    List<ExperimentSpec.Step> steps =
        List.of(
            new ExperimentSpec.Step(10, "PT5S"),
            new ExperimentSpec.Step(50, "PT5S"),
            new ExperimentSpec.Step(100, "PT5S"));
    experiment.setSpec(
        new ExperimentSpec(
            "checkout",
            null,
            new ExperimentSpec.CandidateSpec("1.4.2", "registry.example.com/checkout:1.4.2"),
            new ExperimentSpec.Policy(
                steps, new ExperimentSpec.Slo(0.02, 3000.0), null, null, null),
            "replica-ratio"));
    return experiment;
  }

  private ExperimentResource get(String name) {
    return admin.resources(ExperimentResource.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /**
   * A user's edit, as {@code kubectl patch --type=json}: not based on a resourceVersion, so it
   * never conflicts.
   */
  private void jsonPatch(String name, String patch) {
    admin
        .resources(ExperimentResource.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON), patch);
  }

  private ExperimentStatus awaitStatus(String name, Predicate<ExperimentStatus> condition) {
    return await()
        .until(
            () -> {
              ExperimentResource experiment = get(name);
              return experiment == null ? null : experiment.getStatus();
            },
            status -> status != null && condition.test(status));
  }

  /** Waits until the reconciler has polled the orchestrator {@code ticks} more times. */
  private void awaitTicks(int ticks) {
    int target = gateway.statusCalls.get() + ticks;
    await().until(() -> gateway.statusCalls.get() >= target);
  }

  private static ExperimentCondition condition(ExperimentStatus status, ConditionType type) {
    return status.condition(type).orElseThrow();
  }
}
