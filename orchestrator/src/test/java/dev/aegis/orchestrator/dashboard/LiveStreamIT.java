package dev.aegis.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@code GET /api/v1/stream} and {@code GET /api/v1/experiments/{id}/windows} on the real
 * application: the demo cluster and workload simulator run, without the demo experiments, so the
 * test submits its own and watches it.
 */
@AegisComponentTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "aegis.simulator.enabled=true",
      "aegis.simulator.experiments=false",
      "aegis.simulator.tick=500ms",
      "aegis.dashboard.max-clients=2",
      "aegis.dashboard.heartbeat=1s"
    })
class LiveStreamIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired KafkaTemplate<byte[], byte[]> kafka;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<SseClient> open = new ArrayList<>();

  @AfterEach
  void closeStreams() {
    open.forEach(SseClient::close);
  }

  /** Opens a stream once, whatever the answer. */
  private SseClient streamOnce() {
    SseClient client = SseClient.open(http, url("/api/v1/stream"));
    open.add(client);
    return client;
  }

  /**
   * Opens a stream, waiting for a free place: streams closed by an earlier test are forgotten by
   * the server only when its next write to them fails.
   */
  private SseClient stream() {
    SseClient[] opened = new SseClient[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              opened[0] = streamOnce();
              return opened[0].status() == 200;
            });
    return opened[0];
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/json")
            .header("X-Aegis-Actor", "test");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * Submits a candidate of a demo service (each test its own service: one live experiment per
   * service).
   */
  private String submitCandidate(String service) throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/experiments",
            """
        {"service": "%s", "namespace": "demo",
         "candidate": {"version": "9.9.0-stream", "image": "registry.local/demo/%s:9.9.0-stream"},
         "policy": {"steps": [{"weight": 10, "minDuration": "PT30S"}, {"weight": 100, "minDuration": "PT30S"}],
                    "slo": {"maxErrorRate": 0.02, "maxP95LatencyMs": 3000}, "minRequestsPerStep": 50}}"""
                .formatted(service, service));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).path("id").asText();
  }

  @Test
  @DisplayName(
      "a client gets a snapshot, then the experiment, its transition and audit entry, then its progress, live")
  void broadcastsChangesAsTypedEvents() throws Exception {
    SseClient client = stream();
    assertThat(client.status()).isEqualTo(200);
    assertThat(client.response().headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    await().atMost(WAIT).until(() -> !client.events().isEmpty());
    assertThat(client.events().get(0).name()).as("the first event").isEqualTo("snapshot");

    String id = submitCandidate("checkout");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(
                      client.events(
                          "experiment",
                          e ->
                              e.path("id").asText().equals(id)
                                  && e.path("phase").asText().equals("CANARY")
                                  && e.path("weight").asInt() == 10
                                  && e.path("steps").asInt() == 2
                                  && e.path("stepMinDurationSeconds").asDouble() == 30.0))
                  .isNotEmpty();
              assertThat(
                      client.events(
                          "transition",
                          t ->
                              t.path("experimentId").asText().equals(id)
                                  && t.path("to").asText().equals("CANARY")
                                  && t.path("service").asText().equals("checkout")))
                  .isNotEmpty();
              assertThat(
                      client.events(
                          "audit",
                          a ->
                              a.path("action").asText().equals("experiment.submit")
                                  && a.path("target").asText().equals(id)))
                  .isNotEmpty();
            });
    // the simulator's health windows count toward the step: progress arrives as further experiment
    // events
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        client.events(
                            "experiment",
                            e ->
                                e.path("id").asText().equals(id)
                                    && e.path("observedSeconds").asDouble() > 0
                                    && e.path("timeLeftSeconds").asDouble() < 30))
                    .isNotEmpty());
    assertThat(client.events("heartbeat", h -> h.path("clients").asInt() >= 1)).isNotEmpty();
    assertThat(
            client.events(
                "transition",
                t ->
                    t.path("experimentId").asText().equals(id)
                        && t.path("to").asText().equals("CANARY")
                        && t.path("weight").asInt() == 10))
        .as("each transition once")
        .hasSize(1);
  }

  @Test
  @DisplayName(
      "the windows of an experiment are served per step and track; an unknown experiment is a 404 problem")
  void servesAnExperimentsWindows() throws Exception {
    String id = submitCandidate("payments");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode body =
                  JSON.readTree(send("GET", "/api/v1/experiments/" + id + "/windows", null).body());
              assertThat(body.path("service").asText()).isEqualTo("payments");
              List<JsonNode> canary = new ArrayList<>();
              body.path("windows")
                  .forEach(
                      w -> {
                        if (w.path("track").asText().equals("canary")) {
                          canary.add(w);
                        }
                      });
              assertThat(canary)
                  .isNotEmpty()
                  .allSatisfy(
                      w -> {
                        assertThat(w.path("step").asInt()).isEqualTo(1);
                        assertThat(w.path("version").asText()).isEqualTo("9.9.0-stream");
                        assertThat(w.path("errorRate").asDouble()).isBetween(0.0, 1.0);
                      });
              assertThat(canary)
                  .anySatisfy(w -> assertThat(w.path("requests").asLong()).isPositive());
            });

    HttpResponse<String> missing =
        send("GET", "/api/v1/experiments/no-such-experiment/windows", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(send("GET", "/api/v1/experiments/" + id + "/windows?step=2", null).body())
        .contains("\"windows\":[]");
  }

  @Test
  @DisplayName("a new dead letter and its replay reach the stream")
  void deadLettersAndReplays() throws Exception {
    SseClient client = stream();
    await().atMost(WAIT).until(() -> !client.events("snapshot", s -> true).isEmpty());

    kafka
        .send(
            new ProducerRecord<>(
                Topics.HEALTH,
                "checkout".getBytes(StandardCharsets.UTF_8),
                "this is not a CloudEvent".getBytes(StandardCharsets.UTF_8)))
        .get();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        client.events(
                            "dead-letter",
                            d ->
                                d.path("originalTopic").asText().equals(Topics.HEALTH)
                                    && d.path("replayCount").asInt() == 0))
                    .isNotEmpty());
    long deadLetter =
        client
            .events("dead-letter", d -> d.path("originalTopic").asText().equals(Topics.HEALTH))
            .get(0)
            .data()
            .path("id")
            .asLong();

    assertThat(send("POST", "/api/v1/dead-letters/" + deadLetter + "/replay", null).statusCode())
        .isEqualTo(200);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        client.events(
                            "dead-letter",
                            d ->
                                d.path("id").asLong() == deadLetter
                                    && d.path("replayCount").asInt() == 1
                                    && d.path("lastReplayedBy").asText().equals("local")))
                    .isNotEmpty());
    assertThat(
            client.events(
                "audit",
                a ->
                    a.path("action").asText().equals("dead-letter.replay")
                        && a.path("target").asText().equals(Long.toString(deadLetter))))
        .isNotEmpty();
  }

  @Test
  @DisplayName(
      "streams are bounded: one too many is a 503 problem with Retry-After, and a closed one frees its place")
  void boundedClients() {
    SseClient first = stream();
    SseClient second = stream();
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);

    SseClient third = streamOnce();
    assertThat(third.status()).isEqualTo(503);
    assertThat(third.response().headers().firstValue("Retry-After")).hasValue("5");
    assertThat(third.response().headers().firstValue("Content-Type"))
        .hasValue("application/problem+json");

    second.close();
    // the server notices the closed connection on its next write (heartbeats every second here)
    assertThat(stream().status()).isEqualTo(200);
  }
}
