package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.operators.actuation.AegisMetadata;
import dev.aegis.operators.resource.ExperimentResource;
import dev.aegis.operators.resource.ExperimentSpec;
import dev.aegis.operators.resource.ExperimentStatus;
import dev.aegis.operators.testing.ApiRequestRecorder;
import dev.aegis.operators.testing.RbacPolicy;
import dev.aegis.orchestrator.kubernetes.KubernetesClientCustomizer;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * GitOps end to end: an {@code Experiment} resource created with the client is submitted by the
 * reconciler, driven by health events on the in-process broker, carried out on the in-process API
 * server, and its {@code .status} ends PROMOTED or QUARANTINED. Every request the orchestrator
 * makes to the API server in this class is recorded and checked against {@code
 * kubernetes/rbac.yaml}.
 */
@AegisComponentTest(properties = "aegis.kubernetes.retry.initial-backoff=50ms")
@Import(ExperimentResourceIT.RecordRequests.class)
class ExperimentResourceIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ApiRequestRecorder REQUESTS = new ApiRequestRecorder();

  @TestConfiguration(proxyBeanMethods = false)
  static class RecordRequests {
    @Bean
    KubernetesClientCustomizer recordRequests() {
      return REQUESTS::attachTo;
    }
  }

  @Autowired KubernetesClient orchestratorClient;

  /**
   * A client of the test's own (the cluster admin's), whose requests are not the orchestrator's.
   */
  private KubernetesClient admin;

  @BeforeEach
  void connect() {
    admin =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(orchestratorClient.getConfiguration()).build())
            .build();
  }

  @AfterEach
  void disconnect() {
    admin.close();
  }

  @AfterAll
  static void everyRequestIsAllowedByTheRole() {
    assertThat(REQUESTS.requests()).as("requests recorded").isNotEmpty();
    RbacPolicy.fromRepository().assertAllows(REQUESTS.requests());
  }

  @Test
  @DisplayName(
      "an Experiment resource with a healthy candidate ends PROMOTED, and the stable Deployment runs the candidate")
  void healthyCandidateIsPromoted() {
    ScenarioKit.deployStable(admin, "cr-good");
    admin.resource(experiment("cr-good", "v2")).create();

    ExperimentStatus canary = awaitStatus("cr-good", s -> "CANARY".equals(s.phase()));
    assertThat(canary.experimentId()).isNotBlank();
    assertThat(canary.weight()).isEqualTo(10);

    Wire.publishCanary("cr-good", "v2", Instant.now().minusSeconds(600), 6, 100, 0, 200);

    ExperimentStatus promoted = awaitStatus("cr-good", s -> "PROMOTED".equals(s.phase()));
    assertThat(promoted.step()).isEqualTo(3);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment stable = deployment("cr-good");
              assertThat(stable.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo("registry.local/cr-good:v2");
              assertThat(deployment("cr-good-canary").getSpec().getReplicas()).isZero();
            });
  }

  @Test
  @DisplayName(
      "an Experiment resource with a 5% error rate ends QUARANTINED with its RCA, and the canary is left in the V3 shape")
  void failingCandidateIsQuarantined() {
    ScenarioKit.deployStable(admin, "cr-bad");
    admin.resource(experiment("cr-bad", "v9")).create();
    awaitStatus("cr-bad", s -> "CANARY".equals(s.phase()));

    Wire.publishCanary("cr-bad", "v9", Instant.now().minusSeconds(600), 4, 100, 5, 200);

    ExperimentStatus quarantined = awaitStatus("cr-bad", s -> "QUARANTINED".equals(s.phase()));
    assertThat(quarantined.rcaId()).isEqualTo(quarantined.experimentId());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment canary = deployment("cr-bad-canary");
              assertThat(canary.getMetadata().getLabels())
                  .containsEntry(AegisMetadata.LIFECYCLE, "quarantined");
              assertThat(canary.getMetadata().getAnnotations())
                  .containsEntry(AegisMetadata.RCA_ID, quarantined.rcaId());
              assertThat(canary.getSpec().getReplicas()).isZero();
            });
  }

  @Test
  @DisplayName(
      "an Experiment resource naming another namespace in its spec is refused (no confused deputy), and nothing runs")
  void otherNamespaceIsRefused() {
    ExperimentResource resource = experiment("cr-elsewhere", "v2");
    resource.setSpec(
        new ExperimentSpec(
            "cr-elsewhere",
            "payments",
            resource.getSpec().candidate(),
            resource.getSpec().policy(),
            resource.getSpec().router()));
    admin.resource(resource).create();

    ExperimentStatus refused =
        awaitStatus("cr-elsewhere", s -> "Refused".equalsIgnoreCase(s.phase()));
    assertThat(refused.experimentId()).isNull();
    assertThat(refused.message())
        .contains("spec.namespace")
        .contains("payments")
        .contains(Wire.NAMESPACE);
  }

  @Test
  @DisplayName(
      "an Experiment resource for a service without its stable Deployment is refused at once, the status naming what is missing")
  void missingDeploymentIsRefused() {
    admin.resource(experiment("cr-missing", "v2")).create();

    ExperimentStatus refused =
        awaitStatus("cr-missing", s -> "Refused".equalsIgnoreCase(s.phase()));
    assertThat(refused.experimentId()).isNull();
    assertThat(refused.message())
        .contains("Deployment " + Wire.NAMESPACE + "/cr-missing not found");
    assertThat(deployment("cr-missing-canary")).isNull();
  }

  private static ExperimentResource experiment(String service, String version) {
    ExperimentResource resource = new ExperimentResource();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withName(service + "-" + version)
            .withNamespace(Wire.NAMESPACE)
            .build());
    List<ExperimentSpec.Step> steps =
        List.of(
            new ExperimentSpec.Step(10, "PT2S"),
            new ExperimentSpec.Step(50, "PT2S"),
            new ExperimentSpec.Step(100, "PT2S"));
    resource.setSpec(
        new ExperimentSpec(
            service,
            null,
            new ExperimentSpec.CandidateSpec(version, "registry.local/" + service + ":" + version),
            new ExperimentSpec.Policy(
                steps, new ExperimentSpec.Slo(0.02, 3000.0), 50L, "PT10M", null),
            "replica-ratio"));
    return resource;
  }

  private Deployment deployment(String name) {
    return admin.apps().deployments().inNamespace(Wire.NAMESPACE).withName(name).get();
  }

  private ExperimentStatus awaitStatus(String service, Predicate<ExperimentStatus> condition) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                admin
                    .resources(ExperimentResource.class)
                    .inNamespace(Wire.NAMESPACE)
                    .list()
                    .getItems()
                    .stream()
                    .filter(e -> e.getSpec().service().equals(service))
                    .findFirst()
                    .map(ExperimentResource::getStatus)
                    .orElse(null),
            s -> s != null && condition.test(s));
  }
}
