package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.notifications.WebhookSignature;
import dev.aegis.orchestrator.persistence.NamespaceScope;
import dev.aegis.orchestrator.persistence.NotificationRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.security.ApiTokens;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Notifications end to end against a real HTTP server started in the test: signed webhooks and a
 * CloudEvents sink receive the quarantine of a canary, routing filters hold, a receiver that fails
 * twice gets exactly one delivery, a receiver that never answers changes nothing for the lifecycle
 * and its notification ends failed with its error, and ten quarantines arrive as one digest.
 */
@AegisComponentTest(
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-notifications-0123456789",
      "aegis.notifications.relay-interval=100ms",
      "aegis.notifications.retry.max-attempts=3",
      "aegis.notifications.retry.initial-backoff=200ms",
      "aegis.notifications.retry.max-backoff=1s",
      "aegis.notifications.dashboard-url=https://aegis.example.com",
      // alpha: quarantines and rollbacks in shop, warning and above, to a webhook and a sink
      "aegis.notifications.routes[0].name=alpha",
      "aegis.notifications.routes[0].channels=hooks,sink",
      "aegis.notifications.routes[0].events=quarantined,rolled-back",
      "aegis.notifications.routes[0].namespaces=shop",
      "aegis.notifications.routes[0].services=alpha",
      "aegis.notifications.routes[0].min-severity=warning",
      // only critical ones of alpha
      "aegis.notifications.routes[1].name=critical",
      "aegis.notifications.routes[1].channels=crit",
      "aegis.notifications.routes[1].services=alpha",
      "aegis.notifications.routes[1].min-severity=critical",
      // another namespace: nothing of shop
      "aegis.notifications.routes[2].name=elsewhere",
      "aegis.notifications.routes[2].channels=nsonly",
      "aegis.notifications.routes[2].namespaces=elsewhere",
      "aegis.notifications.routes[3].name=beta",
      "aegis.notifications.routes[3].channels=flaky",
      "aegis.notifications.routes[3].events=quarantined",
      "aegis.notifications.routes[3].services=beta",
      "aegis.notifications.routes[4].name=gamma",
      "aegis.notifications.routes[4].channels=dead",
      "aegis.notifications.routes[4].events=quarantined",
      "aegis.notifications.routes[4].services=gamma",
      "aegis.notifications.routes[5].name=burst",
      "aegis.notifications.routes[5].channels=digest",
      "aegis.notifications.routes[5].events=quarantined",
      "aegis.notifications.routes[5].services="
          + "burst0,burst1,burst2,burst3,burst4,burst5,burst6,burst7,burst8,burst9"
    })
@AutoConfigureMockMvc
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotificationsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String KEY = "0123456789abcdef-test-hmac-key";
  private static final Receiver RECEIVER = Receiver.start();

  /** A port that accepts connections (the kernel's backlog) but never answers a request. */
  private static final ServerSocket SILENT = silentSocket();

  @DynamicPropertySource
  static void channels(DynamicPropertyRegistry registry) {
    Path dir = tempDir();
    Path key = write(dir.resolve("key"), KEY);
    channel(registry, dir, "hooks", "webhook", RECEIVER.url("/hooks"), key, "PT0S");
    channel(registry, dir, "sink", "cloudevents", RECEIVER.url("/sink"), key, "PT0S");
    channel(registry, dir, "crit", "webhook", RECEIVER.url("/crit"), key, "PT0S");
    channel(registry, dir, "nsonly", "teams", RECEIVER.url("/nsonly"), null, "PT0S");
    channel(registry, dir, "flaky", "webhook", RECEIVER.url("/flaky"), key, "PT0S");
    channel(
        registry,
        dir,
        "dead",
        "webhook",
        "http://127.0.0.1:" + SILENT.getLocalPort() + "/hook",
        key,
        "PT0S");
    registry.add("aegis.notifications.channels.dead.timeout", () -> "PT1S");
    channel(registry, dir, "digest", "slack", RECEIVER.url("/digest"), null, "PT45S");
  }

  @AfterAll
  static void stop() throws IOException {
    RECEIVER.server.stop(0);
    SILENT.close();
  }

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired MockMvc mvc;
  @Autowired ApiTokens tokens;

  @Test
  @Order(1)
  @DisplayName(
      "a quarantine reaches the routed webhook signed with a timestamp, and the CloudEvents sink as"
          + " the same dev.aegis event; namespace, service and severity filters hold")
  void signedWebhookAndSink() throws Exception {
    String alpha = quarantine("alpha", "v2");
    String delta = quarantine("delta", "v2");

    await().atMost(WAIT).until(() -> kinds(RECEIVER.received("/hooks")).contains("quarantined"));
    await().atMost(WAIT).until(() -> RECEIVER.received("/sink").size() >= 2);

    List<Request> hooks = RECEIVER.received("/hooks");
    assertThat(kinds(hooks)).containsExactlyInAnyOrder("rolled-back", "quarantined");
    for (Request r : hooks) {
      String signature = r.header(WebhookSignature.HEADER);
      assertThat(
              WebhookSignature.verify(
                  KEY.getBytes(StandardCharsets.UTF_8),
                  signature,
                  r.body(),
                  Instant.now(),
                  Duration.ofMinutes(5)))
          .as("the signature verifies with the shared key")
          .isEqualTo(WebhookSignature.Verdict.VALID);
      assertThat(
              WebhookSignature.verify(
                  "another key".getBytes(StandardCharsets.UTF_8),
                  signature,
                  r.body(),
                  Instant.now(),
                  Duration.ofMinutes(5)))
          .isEqualTo(WebhookSignature.Verdict.MISMATCH);
      byte[] altered =
          new String(r.body(), StandardCharsets.UTF_8)
              .replace("alpha", "alphb")
              .getBytes(StandardCharsets.UTF_8);
      assertThat(
              WebhookSignature.verify(
                  KEY.getBytes(StandardCharsets.UTF_8),
                  signature,
                  altered,
                  Instant.now(),
                  Duration.ofMinutes(5)))
          .as("an altered body is refused")
          .isEqualTo(WebhookSignature.Verdict.MISMATCH);
      assertThat(
              WebhookSignature.verify(
                  KEY.getBytes(StandardCharsets.UTF_8),
                  signature,
                  r.body(),
                  Instant.now().plus(Duration.ofMinutes(10)),
                  Duration.ofMinutes(5)))
          .as("a replay outside the window is refused")
          .isEqualTo(WebhookSignature.Verdict.STALE);
    }

    // The relay may deliver the rollback and the quarantine in one request, in either place.
    JsonNode quarantined =
        hooks.stream()
            .flatMap(r -> StreamSupport.stream(r.json().path("notifications").spliterator(), false))
            .filter(n -> n.path("kind").asText().equals("quarantined"))
            .findFirst()
            .orElseThrow();
    assertThat(quarantined.path("experimentId").asText()).isEqualTo(alpha);
    assertThat(quarantined.path("link").asText())
        .isEqualTo("https://aegis.example.com/#/experiments/" + alpha);
    assertThat(quarantined.path("text").asText()).isNotBlank();
    assertThat(quarantined.path("checks")).as("the failed checks").isNotEmpty();
    JsonNode check = quarantined.path("checks").get(0);
    assertThat(check.has("observed") && check.has("threshold")).isTrue();
    assertThat(quarantined.at("/event/type").asText()).isEqualTo("dev.aegis.rca.recorded.v1");

    List<Request> sink = RECEIVER.received("/sink");
    assertThat(sink)
        .extracting(r -> r.header("ce-type"))
        .containsExactlyInAnyOrder(
            "dev.aegis.lifecycle.transitioned.v1", "dev.aegis.rca.recorded.v1");
    Request rca =
        sink.stream()
            .filter(r -> r.header("ce-type").equals("dev.aegis.rca.recorded.v1"))
            .findFirst()
            .orElseThrow();
    assertThat(rca.header("ce-specversion")).isEqualTo("1.0");
    assertThat(rca.header("ce-id")).isEqualTo(alpha + "/rca");
    assertThat(rca.header("ce-source")).isEqualTo("/aegis/orchestrator");
    assertThat(rca.json().path("experimentId").asText()).isEqualTo(alpha);

    // Severity: the critical-only channel got the quarantine, not the rollback.
    await().atMost(WAIT).until(() -> !RECEIVER.received("/crit").isEmpty());
    assertThat(kinds(RECEIVER.received("/crit"))).containsExactly("quarantined");
    // Service and namespace: nothing of delta anywhere, nothing of shop to the other namespace.
    assertThat(ScenarioKit.experiment(jdbi, delta).phase()).isEqualTo(Phase.QUARANTINED);
    assertThat(RECEIVER.all())
        .noneMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains(delta));
    assertThat(RECEIVER.received("/nsonly")).isEmpty();
    assertThat(rows(delta)).isEmpty();
  }

  @Test
  @Order(2)
  @DisplayName(
      "a receiver that fails twice then succeeds gets three attempts under one key and exactly one"
          + " delivery")
  void failsTwiceThenSucceeds() {
    String beta = quarantine("beta", "v2");
    await()
        .atMost(WAIT)
        .until(() -> rows(beta).stream().anyMatch(e -> e.status().equals("DELIVERED")));
    NotificationRepository.Entry row = rows(beta).get(0);
    assertThat(row.attempts()).isEqualTo(3);
    assertThat(RECEIVER.accepted("/flaky")).hasSize(1);
    List<Request> attempts = RECEIVER.received("/flaky");
    assertThat(attempts).hasSize(3);
    assertThat(attempts).extracting(r -> r.header("Idempotency-Key")).containsOnly(row.id());
    assertThat(attempts)
        .extracting(r -> r.header("X-Aegis-Delivery-Attempt"))
        .containsExactly("1", "2", "3");
  }

  @Test
  @Order(3)
  @DisplayName(
      "a receiver that never answers leaves the lifecycle unaffected, and the notification ends"
          + " failed with its error")
  void deadReceiver() {
    long started = System.nanoTime();
    String gamma = quarantine("gamma", "v2");
    System.out.printf(
        "gamma quarantined %d ms after submission with its receiver dead%n",
        (System.nanoTime() - started) / 1_000_000);
    await()
        .atMost(WAIT)
        .until(() -> rows(gamma).stream().anyMatch(e -> e.status().equals("FAILED")));
    NotificationRepository.Entry row = rows(gamma).get(0);
    assertThat(row.attempts()).isEqualTo(3);
    assertThat(row.lastError()).contains("HttpTimeoutException");
    // The lifecycle moved on without waiting: another experiment of gamma's namespace runs.
    String after = quarantine("gamma2", "v2");
    assertThat(ScenarioKit.experiment(jdbi, after).phase()).isEqualTo(Phase.QUARANTINED);
  }

  @Test
  @Order(4)
  @DisplayName("ten quarantines within a minute to one channel arrive as one digest")
  void burstArrivesAsOneDigest() {
    List<String> ids = IntStream.range(0, 10).mapToObj(i -> submitFailing("burst" + i)).toList();
    for (String id : ids) {
      await()
          .atMost(WAIT)
          .until(() -> ScenarioKit.experiment(jdbi, id).phase() == Phase.QUARANTINED);
    }
    await().atMost(WAIT).until(() -> !RECEIVER.received("/digest").isEmpty());
    await()
        .atMost(WAIT)
        .until(
            () ->
                ids.stream()
                    .allMatch(
                        id -> rows(id).stream().allMatch(e -> e.status().equals("DELIVERED"))));
    List<Request> digests = RECEIVER.received("/digest");
    assertThat(digests).hasSize(1);
    JsonNode slack = digests.get(0).json();
    assertThat(slack.path("text").asText()).isEqualTo("Aegis digest: 10 notifications");
    assertThat(slack.path("blocks").get(0).path("type").asText()).isEqualTo("header");
    assertThat(ids.stream().map(this::rows).map(r -> r.get(0).digestId()).distinct()).hasSize(1);
  }

  @Test
  @Order(5)
  @DisplayName(
      "the API lists deliveries, shows rules and channels without secrets, lets an sre change the"
          + " rules and test a channel, and refuses everyone else")
  void api() throws Exception {
    String viewer = token("viewer", List.of("viewer"), List.of("*"));
    String sre = token("sre", List.of("sre"), List.of("*"));
    String shopSre = token("shop-sre", List.of("sre"), List.of("shop"));

    JsonNode list =
        json(
            mvc.perform(
                get("/api/v1/notifications?status=failed")
                    .header("Authorization", "Bearer " + viewer)),
            200);
    assertThat(list.path("items")).isNotEmpty();
    assertThat(list.path("items").get(0).path("lastError").asText())
        .contains("HttpTimeoutException");

    String routes =
        mvc.perform(get("/api/v1/notifications/routes").header("Authorization", "Bearer " + viewer))
            .andReturn()
            .getResponse()
            .getContentAsString();
    assertThat(routes).contains("\"source\":\"configuration\"").contains("\"name\":\"hooks\"");
    assertThat(routes)
        .doesNotContain(String.valueOf(RECEIVER.server.getAddress().getPort()))
        .doesNotContain(KEY);

    String newRules =
        "{\"routes\":[{\"name\":\"all\",\"channels\":[\"hooks\"],\"events\":[\"promoted\"],"
            + "\"minSeverity\":\"info\"}]}";
    status(
        mvc.perform(
            put("/api/v1/notifications/routes")
                .header("Authorization", "Bearer " + viewer)
                .contentType(MediaType.APPLICATION_JSON)
                .content(newRules)),
        403);
    status(
        mvc.perform(
            put("/api/v1/notifications/routes")
                .header("Authorization", "Bearer " + shopSre)
                .contentType(MediaType.APPLICATION_JSON)
                .content(newRules)),
        403);
    status(
        mvc.perform(
            put("/api/v1/notifications/routes")
                .contentType(MediaType.APPLICATION_JSON)
                .content(newRules)),
        401);
    JsonNode invalid =
        json(
            mvc.perform(
                put("/api/v1/notifications/routes")
                    .header("Authorization", "Bearer " + sre)
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(newRules.replace("\"hooks\"", "\"nowhere\""))),
            400);
    assertThat(invalid.path("field").asText()).isEqualTo("routes[0].channels[0]");
    JsonNode set =
        json(
            mvc.perform(
                put("/api/v1/notifications/routes")
                    .header("Authorization", "Bearer " + sre)
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(newRules)),
            200);
    assertThat(set.path("source").asText()).isEqualTo("api");
    assertThat(set.path("updatedBy").asText()).isEqualTo("sre");

    status(
        mvc.perform(
            post("/api/v1/notifications/channels/hooks/test")
                .header("Authorization", "Bearer " + viewer)),
        403);
    status(
        mvc.perform(
            post("/api/v1/notifications/channels/nowhere/test")
                .header("Authorization", "Bearer " + sre)),
        404);
    String key =
        json(
                mvc.perform(
                    post("/api/v1/notifications/channels/hooks/test")
                        .header("Authorization", "Bearer " + sre)),
                202)
            .path("id")
            .asText();
    status(
        mvc.perform(
            post("/api/v1/notifications/channels/hooks/test")
                .header("Authorization", "Bearer " + sre)),
        429);
    await()
        .atMost(WAIT)
        .until(
            () ->
                RECEIVER.received("/hooks").stream()
                    .anyMatch(r -> key.equals(r.header("Idempotency-Key"))));
  }

  // -------------------------------------------------------------------------------------------

  private String quarantine(String serviceName, String version) {
    String id = submitFailing(serviceName);
    await().atMost(WAIT).until(() -> ScenarioKit.experiment(jdbi, id).phase() == Phase.QUARANTINED);
    return id;
  }

  private String submitFailing(String serviceName) {
    String id = ScenarioKit.submit(service, cluster, serviceName, "v2");
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster
                        .apps()
                        .deployments()
                        .inNamespace(Wire.NAMESPACE)
                        .withName(serviceName + "-canary")
                        .get()
                    != null);
    Wire.publishCanary(serviceName, "v2", Instant.now().minusSeconds(600), 4, 100, 20, 200);
    return id;
  }

  private List<NotificationRepository.Entry> rows(String experimentId) {
    return jdbi.withHandle(
        h ->
            new NotificationRepository()
                .list(
                    Tx.of(h),
                    new NotificationRepository.Filter(experimentId, null, null, "quarantined"),
                    NamespaceScope.ALL,
                    100));
  }

  private String token(String name, List<String> roles, List<String> namespaces) {
    return tokens.create(name, roles, namespaces, null, "test").secret();
  }

  private static JsonNode json(
      org.springframework.test.web.servlet.ResultActions result, int status) throws Exception {
    var response = result.andReturn().getResponse();
    assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(status);
    return JSON.readTree(response.getContentAsString());
  }

  private static void status(org.springframework.test.web.servlet.ResultActions result, int status)
      throws Exception {
    var response = result.andReturn().getResponse();
    assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(status);
  }

  private static List<String> kinds(List<Request> requests) {
    List<String> kinds = new ArrayList<>();
    for (Request r : requests) {
      r.json().path("notifications").forEach(n -> kinds.add(n.path("kind").asText()));
    }
    return kinds;
  }

  private static void channel(
      DynamicPropertyRegistry registry,
      Path dir,
      String name,
      String type,
      String url,
      Path key,
      String groupWait) {
    String prefix = "aegis.notifications.channels." + name + ".";
    Path urlFile = write(dir.resolve(name + ".url"), url);
    registry.add(prefix + "type", () -> type);
    registry.add(prefix + "url-file", urlFile::toString);
    if (key != null) {
      registry.add(prefix + "secret-file", key::toString);
    }
    registry.add(prefix + "group-wait", () -> groupWait);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("aegis-notify-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ServerSocket silentSocket() {
    try {
      return new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One request as the receiver got it. */
  record Request(Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * A real HTTP server on a free port: records every request per path; {@code /flaky} answers 503
   * to the first two attempts of each idempotency key, every other path 200.
   */
  static final class Receiver {
    final HttpServer server;
    private final Map<String, List<Request>> received = new ConcurrentHashMap<>();
    private final Map<String, List<Request>> accepted = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    private Receiver(HttpServer server) {
      this.server = server;
    }

    static Receiver start() {
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Receiver receiver = new Receiver(server);
        server.createContext("/", receiver::handle);
        server.start();
        return receiver;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange exchange) throws IOException {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> headers = new java.util.HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      Request request = new Request(headers, body);
      String path = exchange.getRequestURI().getPath();
      received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(request);
      int status = 200;
      if (path.equals("/flaky")) {
        int failed = failures.merge(request.header("Idempotency-Key"), 1, Integer::sum);
        status = failed <= 2 ? 503 : 200;
      }
      if (status == 200) {
        accepted.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(request);
      }
      byte[] answer = (status == 200 ? "ok" : "try later").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    }

    List<Request> received(String path) {
      return List.copyOf(received.getOrDefault(path, List.of()));
    }

    List<Request> accepted(String path) {
      return List.copyOf(accepted.getOrDefault(path, List.of()));
    }

    List<Request> all() {
      return received.values().stream().flatMap(List::stream).toList();
    }
  }
}
