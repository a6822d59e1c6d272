package dev.aegis.orchestrator.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.chaos.FaultInjector;
import dev.aegis.chaos.FaultKind;
import dev.aegis.chaos.FaultParameters;
import dev.aegis.chaos.FaultSpec;
import dev.aegis.chaos.FaultTarget;
import dev.aegis.events.Topics;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import dev.aegis.events.data.Track;
import dev.aegis.operators.testing.ApiRequestRecorder;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.operators.testing.RbacPolicy;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.kubernetes.KubernetesClientCustomizer;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.security.ApiTokens;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.ResultMatcher;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The chaos API end to end on the real servers: a fault on a canary under analysis goes on the
 * cluster and is announced on {@code aegis.chaos}; it comes off by hand, on expiry, or by the kill
 * switch, each announced; production and other namespaces are out of reach without the right
 * consent and roles.
 */
@AegisComponentTest(
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-chaos-test-0123456789",
      "aegis.chaos.sweep-interval=200ms"
    })
@AutoConfigureMockMvc
@Import(ChaosApiIT.RecordRequests.class)
class ChaosApiIT {

  private static final ApiRequestRecorder REQUESTS = new ApiRequestRecorder();

  /**
   * Every request Aegis's own client makes is recorded and checked against kubernetes/rbac.yaml.
   */
  @TestConfiguration(proxyBeanMethods = false)
  static class RecordRequests {
    @Bean
    KubernetesClientCustomizer recordRequests() {
      return REQUESTS::attachTo;
    }
  }

  @AfterAll
  static void everyRequestIsAllowedByTheRole() {
    assertThat(REQUESTS.requests()).as("requests recorded").isNotEmpty();
    RbacPolicy.fromRepository().assertAllows(REQUESTS.requests());
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMESPACE = "chaos";

  @Autowired MockMvc mvc;
  @Autowired ApiTokens tokens;
  @Autowired ExperimentService experiments;
  @Autowired KubernetesClient orchestratorClient;

  /**
   * The cluster admin's client: the test's own set-up and checks, not the orchestrator's requests.
   */
  private KubernetesClient cluster;

  @Autowired Jdbi jdbi;
  @Autowired MeterRegistry metrics;
  @Autowired ChaosInjectionRepository injections;
  @Autowired FaultInjector injector;

  private String chaosEngineer;
  private String chaosSre;
  private String viewer;
  private String sre;
  private String elsewhere;

  @BeforeEach
  void connect() {
    cluster =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(orchestratorClient.getConfiguration()).build())
            .build();
  }

  @AfterEach
  void disconnect() {
    cluster.close();
  }

  @BeforeEach
  void principals() {
    chaosEngineer =
        tokens
            .create(
                "ce-" + UUID.randomUUID(),
                List.of("chaos-engineer"),
                List.of(NAMESPACE),
                null,
                "test")
            .secret();
    chaosSre =
        tokens
            .create("ce-sre", List.of("chaos-engineer", "sre"), List.of("*"), null, "test")
            .secret();
    viewer = tokens.create("viewer", List.of("viewer"), List.of(NAMESPACE), null, "test").secret();
    sre = tokens.create("sre", List.of("sre"), List.of("*"), null, "test").secret();
    elsewhere =
        tokens
            .create("ce-other", List.of("chaos-engineer"), List.of("other"), null, "test")
            .secret();
  }

  @Test
  @DisplayName(
      "a partition of a canary under analysis is put on the cluster, announced, and reverted by hand")
  void injectAndRevert() throws Exception {
    String service = service("part");
    String experiment = canaryUnderAnalysis(service);
    try (TopicTail chaosTopic = SharedInfrastructure.kafka().tail(Topics.CHAOS)) {
      JsonNode fault =
          inject(chaosEngineer, fault("network-partition", service, "canary", "PT5M", null))
              .andExpect(status().isCreated())
              .andReturnJson();
      String id = fault.path("faultId").asText();
      assertThat(fault.path("state").asText()).isEqualTo("ACTIVE");
      assertThat(fault.path("experimentId").asText()).isEqualTo(experiment);
      assertThat(partitions(service)).as("deny-all policies on the canary").isEqualTo(1);

      ConsumerRecord<String, byte[]> injected =
          chaosTopic.take(1, Duration.ofSeconds(30), r -> TopicTail.text(r).contains(id)).get(0);
      assertThat(TopicTail.header(injected, "ce_type")).isEqualTo("dev.aegis.chaos.injected.v1");
      // Aegis reads its own announcement back, so windows and RCAs can name the fault.
      await().atMost(Duration.ofSeconds(30)).until(() -> announced(id));

      mvc.perform(
              as(post("/api/v1/chaos/faults/" + id + "/revert"), sre)
                  .content("{\"reason\": \"enough\"}"))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.state").value("REVERTED"))
          .andExpect(jsonPath("$.endReason").value("enough"));
      assertThat(partitions(service)).isZero();
      // The reason is the caller's text: it goes to the fault, never into a metric label.
      assertThat(metrics.find("aegis.chaos.faults").tag("outcome", "enough").counters())
          .as("a series labelled with the caller's reason")
          .isEmpty();
      assertThat(
              metrics
                  .get("aegis.chaos.faults")
                  .tag("kind", "network-partition")
                  .tag("outcome", "reverted")
                  .counter()
                  .count())
          .isPositive();
      ConsumerRecord<String, byte[]> cleared =
          chaosTopic.take(1, Duration.ofSeconds(30), r -> TopicTail.text(r).contains(id)).get(0);
      assertThat(TopicTail.header(cleared, "ce_type")).isEqualTo("dev.aegis.chaos.cleared.v1");

      mvc.perform(as(post("/api/v1/chaos/faults/" + id + "/revert"), sre))
          .andExpect(status().isConflict())
          .andExpect(problem("not-live"));
    }
  }

  @Test
  @DisplayName(
      "a fault past its deadline is reverted by the sweeper, and one left by a previous run is too")
  void expiry() throws Exception {
    String service = service("expiry");
    canaryUnderAnalysis(service);
    String id =
        inject(chaosEngineer, fault("network-partition", service, "canary", "PT1S", null))
            .andExpect(status().isCreated())
            .andReturnJson()
            .path("faultId")
            .asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(state(id)));
    assertThat(partitions(service)).isZero();
    String endReason =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT end_reason FROM chaos_injections " + "WHERE fault_id = :id")
                    .bind("id", id)
                    .mapTo(String.class)
                    .one());
    assertThat(endReason).isEqualTo("expired");

    // A run that died between putting a fault on the cluster and recording its revert steps: the
    // row says
    // INJECTING, the partition is there, the deadline has passed. The sweeper undoes it all the
    // same.
    String crashed = "f-crashed" + UUID.randomUUID().toString().substring(0, 6);
    FaultSpec spec = canaryPartition(NAMESPACE, service, Duration.ofSeconds(1));
    // The row is written with a deadline far ahead, so that the sweeper running meanwhile cannot
    // revert the fault before the test has seen it on the cluster; then the deadline is moved to
    // the past, as that run's would be by now.
    Instant past = Instant.now().minusSeconds(60);
    jdbi.useTransaction(
        h ->
            injections.begin(
                Tx.of(h),
                crashed,
                spec,
                null,
                false,
                "a previous run",
                null,
                past,
                past.plusSeconds(3600)));
    injector.inject(crashed, spec, past);
    assertThat(partitions(service)).isEqualTo(1);
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE chaos_injections SET expires_at = :expired, next_revert_at = :expired "
                        + "WHERE fault_id = :id")
                .bind("expired", past.plusSeconds(1))
                .bind("id", crashed)
                .execute());
    await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(state(crashed)));
    assertThat(partitions(service)).isZero();
  }

  @Test
  @DisplayName("the kill switch reverts every live fault and refuses new ones until it is re-armed")
  void killSwitch() throws Exception {
    String a = service("kill-a");
    String b = service("kill-b");
    canaryUnderAnalysis(a);
    canaryUnderAnalysis(b);
    String first =
        inject(chaosEngineer, fault("network-partition", a, "canary", "PT10M", null))
            .andExpect(status().isCreated())
            .andReturnJson()
            .path("faultId")
            .asText();
    String second =
        inject(chaosEngineer, fault("network-partition", b, "canary", "PT10M", null))
            .andExpect(status().isCreated())
            .andReturnJson()
            .path("faultId")
            .asText();

    mvc.perform(as(post("/api/v1/chaos/kill-switch"), elsewhere)).andExpect(status().isForbidden());
    JsonNode halted =
        new Json(
                mvc.perform(
                        as(post("/api/v1/chaos/kill-switch"), sre)
                            .content("{\"reason\": \"incident 4711\"}"))
                    .andExpect(status().isOk()))
            .andReturnJson();
    assertThat(halted.path("halted").asBoolean()).isTrue();
    assertThat(halted.path("reverted").toString()).contains(first, second);
    assertThat(partitions(a) + partitions(b)).isZero();

    inject(chaosEngineer, fault("network-partition", a, "canary", "PT1M", null))
        .andExpect(status().isConflict())
        .andExpect(problem("chaos-halted"));
    mvc.perform(as(delete("/api/v1/chaos/kill-switch"), sre)).andExpect(status().isForbidden());
    mvc.perform(as(delete("/api/v1/chaos/kill-switch"), chaosSre))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.halted").value(false));
    inject(chaosEngineer, fault("network-partition", a, "canary", "PT1M", null))
        .andExpect(status().isCreated());
    mvc.perform(as(post("/api/v1/chaos/kill-switch"), chaosSre)).andExpect(status().isOk());
    mvc.perform(as(delete("/api/v1/chaos/kill-switch"), chaosSre)).andExpect(status().isOk());
  }

  @Test
  @DisplayName(
      "a viewer's fault list with a limit holds its namespace's newest, however many newer faults"
          + " other namespaces have")
  void faultListIsScopedBeforeItsLimit() throws Exception {
    String ours = "f-ours-" + UUID.randomUUID().toString().substring(0, 6);
    String theirs = "f-theirs-" + UUID.randomUUID().toString().substring(0, 6);
    Instant older = Instant.now().minusSeconds(60);
    // Rows only (ended, so that nothing reverts them): the list reads the table.
    recordEnded(ours, NAMESPACE, older);
    recordEnded(theirs, "other", older.plusSeconds(30));

    JsonNode page =
        new Json(mvc.perform(as(get("/api/v1/chaos/faults?limit=1"), viewer))).andReturnJson();
    assertThat(page.findValuesAsText("faultId")).containsExactly(ours);
    JsonNode all =
        new Json(mvc.perform(as(get("/api/v1/chaos/faults?limit=1"), sre))).andReturnJson();
    assertThat(all.findValuesAsText("faultId")).containsExactly(theirs);
  }

  private static FaultSpec canaryPartition(String namespace, String service, Duration duration) {
    return new FaultSpec(
        FaultKind.NETWORK_PARTITION,
        new FaultTarget(namespace, service, Track.CANARY),
        duration,
        FaultParameters.NONE);
  }

  private void recordEnded(String faultId, String namespace, Instant at) {
    FaultSpec spec = canaryPartition(namespace, "listed", Duration.ofMinutes(1));
    jdbi.useTransaction(
        h -> {
          injections.begin(
              Tx.of(h), faultId, spec, null, false, "test", null, at, at.plusSeconds(60));
          h.createUpdate(
                  "UPDATE chaos_injections SET state = 'REVERTED', ended_at = :at WHERE fault_id = :id")
              .bind("at", at)
              .bind("id", faultId)
              .execute();
        });
  }

  @Test
  @DisplayName(
      "production needs consent and the role for it; other namespaces and other roles are refused")
  void blastRadius() throws Exception {
    String service = service("radius");
    canaryUnderAnalysis(service);
    long before = faults();

    inject(chaosEngineer, fault("network-partition", service, "stable", "PT1M", null))
        .andExpect(status().isForbidden())
        .andExpect(problem("production-not-requested"));
    inject(chaosEngineer, fault("network-partition", service, "stable", "PT1M", true))
        .andExpect(status().isForbidden())
        .andExpect(problem("production-not-allowed"));
    String idle = service("idle");
    inject(chaosEngineer, fault("network-partition", idle, "canary", "PT1M", null))
        .andExpect(status().isForbidden())
        .andExpect(problem("production-not-requested"));
    inject(elsewhere, fault("network-partition", service, "canary", "PT1M", null))
        .andExpect(status().isForbidden())
        .andExpect(problem("forbidden-namespace"));
    inject(viewer, fault("network-partition", service, "canary", "PT1M", null))
        .andExpect(status().isForbidden());
    inject(sre, fault("network-partition", service, "canary", "PT1M", null))
        .andExpect(status().isForbidden());
    inject(chaosEngineer, fault("network-partition", service, "canary", "PT2H", null))
        .andExpect(status().isBadRequest())
        .andExpect(problem("duration-too-long"));
    inject(chaosEngineer, fault("meteor-strike", service, "canary", "PT1M", null))
        .andExpect(status().isBadRequest())
        .andExpect(problem("invalid-fault"));
    inject(
            chaosEngineer,
            "{\"kind\": \"pod-kill\", \"target\": {\"namespace\": \"chaos\", \"service\": \""
                + service
                + "\"}, \"duration\": \"PT1M\", \"blast\": 1}")
        .andExpect(status().isBadRequest());
    assertThat(faults()).as("no refused request wrote a live fault").isEqualTo(before);
    assertThat(partitions(service)).isZero();

    String id =
        inject(chaosSre, fault("network-partition", service, "stable", "PT1M", true))
            .andExpect(status().isCreated())
            .andExpect(jsonPath("$.production").value(true))
            .andReturnJson()
            .path("faultId")
            .asText();
    mvc.perform(as(get("/api/v1/chaos/faults/" + id), elsewhere)).andExpect(status().isNotFound());
    mvc.perform(as(get("/api/v1/chaos/faults/" + id), viewer)).andExpect(status().isOk());
    mvc.perform(as(post("/api/v1/chaos/faults/" + id + "/revert"), viewer))
        .andExpect(status().isForbidden());
    mvc.perform(as(post("/api/v1/chaos/faults/" + id + "/revert"), chaosEngineer))
        .andExpect(status().isOk());
  }

  // --- fixtures ---

  private String service(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    cluster
        .resource(
            ClusterFixtures.stableDeployment(NAMESPACE, name, "registry.local/" + name + ":v1", 4))
        .create();
    cluster.resource(ClusterFixtures.stableService(NAMESPACE, name)).create();
    return name;
  }

  /**
   * Submits an experiment that sits at its first step (no health arrives), with its canary on the
   * cluster.
   */
  private String canaryUnderAnalysis(String service) {
    PolicySpec policy =
        new PolicySpec(
            List.of(new StepSpec(10, Duration.ofHours(1)), new StepSpec(100, Duration.ofHours(1))),
            new SloSpec(0.02, 3000.0),
            100L,
            Duration.ofHours(1));
    SubmitOutcome outcome =
        experiments.submit(
            new ExperimentSubmitted(
                service,
                NAMESPACE,
                new Candidate("v2", "registry.local/" + service + ":v2"),
                policy,
                "replica-ratio"),
            ExperimentService.Origin.rest("test"),
            null);
    String id = ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                cluster
                        .apps()
                        .deployments()
                        .inNamespace(NAMESPACE)
                        .withName(service + "-canary")
                        .get()
                    != null);
    return id;
  }

  private static String fault(
      String kind, String service, String track, String duration, Boolean production) {
    return """
        {"kind": "%s", "target": {"namespace": "%s", "service": "%s", "track": "%s"}, "duration": "%s"%s}"""
        .formatted(
            kind,
            NAMESPACE,
            service,
            track,
            duration,
            production == null ? "" : ", \"production\": " + production);
  }

  private Json inject(String token, String body) throws Exception {
    return new Json(mvc.perform(as(post("/api/v1/chaos/faults"), token).content(body)));
  }

  private static MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder b, String token) {
    return b.header("Authorization", "Bearer " + token).contentType(MediaType.APPLICATION_JSON);
  }

  private static ResultMatcher problem(String code) {
    return jsonPath("$.type").value("https://aegis.dev/problems/" + code);
  }

  private int partitions(String service) {
    return (int)
        cluster.network().v1().networkPolicies().inNamespace(NAMESPACE).list().getItems().stream()
            .filter(
                p ->
                    p.getMetadata().getLabels() != null
                        && p.getMetadata().getLabels().containsKey("aegis.dev/chaos-fault")
                        && service.equals(
                            p.getMetadata().getLabels().get("aegis.dev/chaos-target")))
            .count();
  }

  private long faults() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM chaos_injections WHERE state IN "
                        + "('INJECTING', 'ACTIVE')")
                .mapTo(Long.class)
                .one());
  }

  private String state(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT state FROM chaos_injections WHERE fault_id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .one());
  }

  private boolean announced(String id) {
    return jdbi.withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM chaos_faults WHERE fault_id = :id")
                    .bind("id", id)
                    .mapTo(Integer.class)
                    .one())
        == 1;
  }

  /** A performed request whose expectations chain, and whose body can be read as JSON. */
  private static final class Json {
    private ResultActions actions;

    Json(ResultActions actions) {
      this.actions = actions;
    }

    Json andExpect(ResultMatcher matcher) throws Exception {
      actions = actions.andExpect(matcher);
      return this;
    }

    JsonNode andReturnJson() throws Exception {
      return JSON.readTree(actions.andReturn().getResponse().getContentAsString());
    }
  }
}
