package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.operators.actuation.AegisMetadata;
import dev.aegis.operators.actuation.ResilientActuator;
import dev.aegis.operators.testing.ApiRequest;
import dev.aegis.operators.testing.ApiRequestRecorder;
import dev.aegis.operators.testing.KubernetesApi;
import dev.aegis.operators.testing.RbacPolicy;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.kubernetes.KubernetesClientCustomizer;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * An outage of the Kubernetes API, end to end in the orchestrator: while the API answers 500s or
 * answers too late, every command is retried a bounded number of times, then the circuit breaker
 * opens and the commands wait in the outbox, PENDING, with the experiment showing "actuation
 * pending"; once the API recovers, every command is applied, each exactly once on the cluster.
 *
 * <p>The orchestrator acts on the {@link KubernetesApi} server (fabric8's, CRUD mode) as an
 * external cluster; faults are expectations answering in front of the CRUD store. Its client gets a
 * short request timeout, so an answer that comes late is a timeout, and every request it makes is
 * recorded and checked against {@code kubernetes/rbac.yaml}.
 */
@AegisComponentTest(
    properties = {
      "aegis.kubernetes.mode=external",
      "aegis.kubernetes.experiment-resources=false",
      "aegis.kubernetes.relay-interval=100ms",
      "aegis.kubernetes.retry.attempts=2",
      "aegis.kubernetes.retry.initial-backoff=50ms",
      "aegis.kubernetes.retry.max-backoff=400ms",
      // Two commands' worth of failed attempts: both the slow and the failing API are retried
      // before it opens.
      "aegis.kubernetes.breaker.failures-to-open=4",
      "aegis.kubernetes.breaker.open-duration=500ms",
      "aegis.kubernetes.breaker.successes-to-close=1"
    })
@AutoConfigureMockMvc
@Import(ActuationOutageIT.OrchestratorClient.class)
class ActuationOutageIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int REQUEST_TIMEOUT_MS = 1_000;
  private static final int LATE_ANSWER_MS = 5_000;
  private static final int ATTEMPTS = 2;
  private static final int FAILURES_TO_OPEN = 4;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OutboxRepository OUTBOX = new OutboxRepository();

  /** Its stable Deployment answers only after the client gave up waiting. */
  private static final String SLOW = "outage-slow";

  /** Its stable Deployment answers HTTP 500. */
  private static final String BROKEN = "outage-broken";

  /**
   * Its stable Deployment answers HTTP 500 too; it is first carried out while the breaker is open.
   */
  private static final String WAITING = "outage-waiting";

  private static final List<String> SERVICES = List.of(SLOW, BROKEN, WAITING);

  /** Every request of the orchestrator's client (not of the test's admin client). */
  private static final ApiRequestRecorder REQUESTS = new ApiRequestRecorder();

  @RegisterExtension static final KubernetesApi api = new KubernetesApi();

  @DynamicPropertySource
  static void actOnTheExtensionsApiServer(DynamicPropertyRegistry registry) {
    registry.add(
        "aegis.kubernetes.master-url", () -> api.adminClient().getConfiguration().getMasterUrl());
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class OrchestratorClient {
    @Bean
    KubernetesClientCustomizer shortRequestTimeout() {
      return builder ->
          builder.editOrNewConfig().withRequestTimeout(REQUEST_TIMEOUT_MS).endConfig();
    }

    @Bean
    KubernetesClientCustomizer recordRequests() {
      return REQUESTS::attachTo;
    }
  }

  @Autowired ExperimentService service;
  @Autowired KubernetesClient orchestratorClient;
  @Autowired ResilientActuator actuator;
  @Autowired MeterRegistry metrics;
  @Autowired Jdbi jdbi;
  @Autowired MockMvc mvc;

  @Test
  @DisplayName(
      "an API answering 500s and timeouts: retries, then the breaker opens and commands stay pending; "
          + "after recovery every command is applied once")
  void commandsWaitOutAnApiOutageAndAreAppliedOnceEachWhenItRecovers() throws Exception {
    assertThat(orchestratorClient.getConfiguration().getMasterUrl())
        .isEqualTo(api.adminClient().getConfiguration().getMasterUrl());
    assertThat(orchestratorClient.getConfiguration().getRequestTimeout())
        .isEqualTo(REQUEST_TIMEOUT_MS);
    SERVICES.forEach(s -> ScenarioKit.deployStable(api.adminClient(), s));
    REQUESTS.drain();
    // Every command starts by reading the stable Deployment: the outage hits that first request.
    api.server()
        .expect()
        .get()
        .delay(LATE_ANSWER_MS)
        .withPath(stablePath(SLOW))
        .andReturn(200, "{}")
        .always();
    api.server()
        .expect()
        .get()
        .withPath(stablePath(BROKEN))
        .andReturn(500, "etcd unavailable")
        .always();
    api.server()
        .expect()
        .get()
        .withPath(stablePath(WAITING))
        .andReturn(500, "etcd unavailable")
        .always();

    Map<String, String> experiments = submitTogether();
    Map<String, String> commands = new LinkedHashMap<>();
    experiments.forEach((svc, id) -> commands.put(svc, theCommandOf(id).id()));

    // The API is down: commands are retried, the breaker opens, and every command keeps waiting.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
              for (String id : experiments.values()) {
                OutboxRepository.Entry command = theCommandOf(id);
                assertThat(command.status()).isEqualTo("PENDING");
                assertThat(command.attempts())
                    .as("relay rounds of %s", command.id())
                    .isGreaterThanOrEqualTo(2);
                assertThat(command.lastError())
                    .as("last error of %s", command.id())
                    .startsWith("circuit breaker open");
              }
            });
    // Still down after the open duration: a trial call goes through, fails, and the breaker opens
    // again.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(SERVICES.stream().mapToLong(ActuationOutageIT::stableReads).sum())
                  .as(
                      "reads of the failing API: %d until the breaker opened, then trial calls",
                      FAILURES_TO_OPEN)
                  .isGreaterThan(FAILURES_TO_OPEN);
              assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
            });
    for (String id : experiments.values()) {
      assertThat(theCommandOf(id).status()).as("command of %s", id).isEqualTo("PENDING");
    }
    assertThat(stableReads(SLOW))
        .as("timed-out reads of the stable Deployment, retried")
        .isGreaterThanOrEqualTo(ATTEMPTS);
    assertThat(stableReads(BROKEN))
        .as("reads answered 500, retried")
        .isGreaterThanOrEqualTo(ATTEMPTS);
    assertThat(metric("resilience4j.retry.calls", "kind", "failed_with_retry"))
        .as("commands that failed after all their attempts")
        .isGreaterThanOrEqualTo(2);
    assertThat(metric("resilience4j.circuitbreaker.not.permitted.calls", "name", "kubernetes-api"))
        .as("commands answered by the open breaker without calling the API")
        .isPositive();
    assertThat(metric("aegis.actuation.results", "outcome", "deferred")).isGreaterThanOrEqualTo(6);
    assertThat(metric("aegis.actuation.results", "outcome", "applied")).isZero();
    assertThat(writes()).as("nothing written to the cluster during the outage").isEmpty();
    for (String svc : SERVICES) {
      assertThat(deployment(svc + "-canary")).as("canary of %s", svc).isNull();
      JsonNode view = view(experiments.get(svc));
      assertThat(view.path("phase").asText()).isEqualTo("CANARY");
      assertThat(view.at("/actuation/pending").asBoolean())
          .as("actuation pending of %s", svc)
          .isTrue();
      assertThat(view.at("/actuation/pendingCommands").asInt()).isEqualTo(1);
      assertThat(view.at("/actuation/failures").asInt()).isPositive();
      assertThat(view.at("/actuation/problem").asText())
          .startsWith("SetTrafficWeight " + commands.get(svc) + " pending: ");
      assertThat(view.at("/commands/0/status").asText()).isEqualTo("PENDING");
    }

    api.server().clearExpectations();

    // The API is back: the breaker closes and every command is applied, once.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (String id : experiments.values()) {
                assertThat(theCommandOf(id).status()).as("command of %s", id).isEqualTo("DONE");
              }
            });
    assertThat(actuator.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(
            metrics
                .find("resilience4j.circuitbreaker.state")
                .tag("name", "kubernetes-api")
                .tag("state", "closed")
                .gauge()
                .value())
        .as("the actuator's breaker (the replica reader has its own)")
        .isEqualTo(1.0);
    assertThat(metric("aegis.actuation.results", "outcome", "applied"))
        .as("applied reports, one per command")
        .isEqualTo(SERVICES.size());
    assertThat(metric("aegis.actuation.results", "outcome", "rejected")).isZero();
    List<String> expectedWrites = new ArrayList<>();
    for (String svc : SERVICES) {
      expectedWrites.add("create " + deploymentsPath());
      expectedWrites.add("update " + stablePath(svc));
    }
    assertThat(writes())
        .as("each canary created once, each stable Deployment updated once")
        .containsExactlyInAnyOrderElementsOf(expectedWrites);
    for (String svc : SERVICES) {
      String commandId = commands.get(svc);
      Deployment canary = deployment(svc + "-canary");
      assertThat(canary.getMetadata().getAnnotations())
          .containsEntry(AegisMetadata.LAST_ACTUATION, commandId)
          .containsEntry(AegisMetadata.VERSION, "v2");
      assertThat(canary.getSpec().getReplicas()).isEqualTo(1);
      assertThat(canary.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("registry.local/" + svc + ":v2");
      Deployment stable = deployment(svc);
      assertThat(stable.getMetadata().getAnnotations())
          .containsEntry(AegisMetadata.LAST_ACTUATION, commandId);
      assertThat(stable.getSpec().getReplicas()).isEqualTo(3);

      JsonNode view = view(experiments.get(svc));
      assertThat(view.path("phase").asText()).isEqualTo("CANARY");
      assertThat(view.path("weight").asInt()).isEqualTo(10);
      assertThat(view.at("/actuation/pending").asBoolean())
          .as("actuation pending of %s", svc)
          .isFalse();
      assertThat(view.at("/actuation/failures").asInt()).isZero();
      assertThat(textOrNull(view.at("/actuation/problem"))).as("problem of %s", svc).isNull();
      assertThat(view.at("/actuation/alarm").asBoolean()).isFalse();
      assertThat(ScenarioKit.transitions(jdbi, experiments.get(svc))).containsExactly("CANARY@10");
    }
    assertThat(REQUESTS.requests()).as("requests recorded").isNotEmpty();
    RbacPolicy.fromRepository().assertAllows(REQUESTS.requests());
  }

  /**
   * Submits one experiment per service in a single transaction, so the relay sees their commands at
   * once and carries them out in submission order: the slow one first, then the failing one, then
   * the last when the breaker is already open.
   */
  private Map<String, String> submitTogether() {
    return jdbi.inTransaction(
        h -> {
          Map<String, String> ids = new LinkedHashMap<>();
          for (String svc : SERVICES) {
            ExperimentSubmitted request = Wire.submission(svc, "v2", Wire.fastPolicy(50));
            SubmitOutcome outcome =
                service.submit(Tx.of(h), request, ExperimentService.Origin.rest("test"), null);
            assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
            ids.put(svc, ((SubmitOutcome.Accepted) outcome).experiment().experiment().id());
          }
          return ids;
        });
  }

  private OutboxRepository.Entry theCommandOf(String experimentId) {
    List<OutboxRepository.Entry> commands =
        jdbi.withHandle(h -> OUTBOX.ofExperiment(Tx.of(h), experimentId));
    assertThat(commands).as("commands of %s", experimentId).hasSize(1);
    assertThat(commands.get(0).type()).isEqualTo("SetTrafficWeight");
    return commands.get(0);
  }

  private JsonNode view(String experimentId) throws Exception {
    String body =
        mvc.perform(MockMvcRequestBuilders.get("/api/v1/experiments/" + experimentId))
            .andReturn()
            .getResponse()
            .getContentAsString();
    return JSON.readTree(body);
  }

  private static String textOrNull(JsonNode node) {
    return node.isNull() || node.isMissingNode() ? null : node.asText();
  }

  private static Deployment deployment(String name) {
    return api.adminClient().apps().deployments().inNamespace(Wire.NAMESPACE).withName(name).get();
  }

  private static String deploymentsPath() {
    return "/apis/apps/v1/namespaces/" + Wire.NAMESPACE + "/deployments";
  }

  private static String stablePath(String service) {
    return deploymentsPath() + "/" + service;
  }

  private static long stableReads(String service) {
    return REQUESTS.requests().stream()
        .filter(
            r ->
                r.verb().equals("get")
                    && r.resource().equals("deployments")
                    && r.name().equals(service))
        .count();
  }

  /** The orchestrator's writes, as {@code verb path}. */
  private static List<String> writes() {
    return REQUESTS.requests().stream()
        .filter(
            r ->
                List.of("create", "update", "patch", "delete", "deletecollection")
                    .contains(r.verb()))
        .map(r -> r.verb() + " " + pathOnly(r))
        .toList();
  }

  private static String pathOnly(ApiRequest request) {
    int query = request.path().indexOf('?');
    return query < 0 ? request.path() : request.path().substring(0, query);
  }

  /**
   * The sum of the first measurement of every meter {@code name} with the tag (counter, function
   * counter, gauge).
   */
  private double metric(String name, String tag, String value) {
    return metrics.find(name).tag(tag, value).meters().stream()
        .mapToDouble(ActuationOutageIT::firstMeasurement)
        .sum();
  }

  private static double firstMeasurement(Meter meter) {
    return meter.measure().iterator().next().getValue();
  }
}
