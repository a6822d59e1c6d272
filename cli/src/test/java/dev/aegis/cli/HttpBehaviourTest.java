package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aegis.cli.CliRunner.Run;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The CLI's HTTP side against a scripted server (the JDK's): the headers it sends, how it maps
 * statuses it rarely meets on the real server (5xx, a body that is not JSON), and how {@code watch}
 * redraws in place on a terminal. The real API is exercised in the orchestrator's {@code
 * CliAgainstServerIT}.
 */
class HttpBehaviourTest {

  private HttpServer server;
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private final Map<String, List<Answer>> script = new ConcurrentHashMap<>();
  private final AtomicInteger served = new AtomicInteger();

  record Answer(int status, String contentType, String body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(
        Map.of(
            "method", exchange.getRequestMethod(),
            "uri", exchange.getRequestURI().toString(),
            "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
            "actor", String.valueOf(exchange.getRequestHeaders().getFirst("X-Aegis-Actor")),
            "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    List<Answer> answers =
        script.getOrDefault(
            path,
            List.of(
                new Answer(
                    404,
                    "application/problem+json",
                    "{\"title\": \"Not Found\", \"detail\": \"nothing at " + path + "\"}")));
    Answer a = answers.get(Math.min(served.getAndIncrement(), answers.size() - 1));
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", a.contentType());
    exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  private CliRunner cli() {
    return new CliRunner().env("AEGIS_SERVER", "http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static Answer json(String body) {
    return new Answer(200, "application/json", body);
  }

  @Test
  @DisplayName(
      "the token goes as a bearer token, no client-chosen actor header is sent, the reason is the JSON body")
  void headersAndBody() {
    script.put(
        "/api/v1/experiments/exp-1/pause",
        List.of(json(RenderingTest.VIEW.replace("\"CANARY\"", "\"PAUSED\""))));
    Run run =
        cli()
            .env("AEGIS_TOKEN", "s3cret")
            .env("AEGIS_ACTOR", "alice")
            .run("pause", "exp-1", "--reason", "checking \"dashboards\"");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .isEqualTo("experiment exp-1 (checkout 1.4.2) is now PAUSED, step 2 of 3 at 50%\n");
    assertThat(requests)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r)
                  .containsEntry("method", "POST")
                  .containsEntry("uri", "/api/v1/experiments/exp-1/pause")
                  .containsEntry("authorization", "Bearer s3cret")
                  .containsEntry("actor", "null")
                  .containsEntry("body", "{\"reason\":\"checking \\\"dashboards\\\"\"}");
            });
  }

  @Test
  @DisplayName(
      "without a token no Authorization header is sent; list filters become query parameters")
  void noTokenAndQuery() {
    script.put("/api/v1/experiments", List.of(json("[]")));
    Run run = cli().run("list", "--service", "check out", "-n", "shop", "--phase", "canary,paused");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("No experiments.\n");
    assertThat(requests)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("uri"))
                  .isEqualTo(
                      "/api/v1/experiments?service=check+out&namespace=shop&phase=CANARY"
                          + "&phase=PAUSED&limit=100");
              assertThat(r.get("authorization")).isEqualTo("null");
              assertThat(r.get("actor"))
                  .as("the server records the authenticated principal")
                  .isEqualTo("null");
            });
  }

  @Test
  @DisplayName(
      "a 5xx is exit 7 with the problem; a body that is not JSON is exit 7, not a stack trace")
  void serverErrors() {
    script.put(
        "/api/v1/services",
        List.of(
            new Answer(
                503,
                "application/problem+json",
                "{\"title\": \"Service Unavailable\", \"detail\": \"database is down\"}")));
    Run down = cli().run("services", "list");
    assertThat(down.exitCode()).isEqualTo(ExitCode.SERVER_ERROR);
    assertThat(down.err()).isEqualTo("error: Service Unavailable: database is down\n");

    script.put("/api/v1/audit", List.of(new Answer(200, "text/html", "<html>login</html>")));
    Run html = cli().run("audit");
    assertThat(html.exitCode()).isEqualTo(ExitCode.SERVER_ERROR);
    assertThat(html.err()).contains("is not JSON").doesNotContain("Exception");
  }

  @Test
  @DisplayName("watch on a terminal redraws the frame in place with ANSI, then exits 0 on PROMOTED")
  void watchRedrawsOnATerminal() {
    String canary = RenderingTest.VIEW;
    String promoted =
        RenderingTest.VIEW.replace("\"phase\": \"CANARY\"", "\"phase\": \"PROMOTED\"");
    script.put("/api/v1/experiments/exp-1", List.of(json(canary), json(canary), json(promoted)));
    Run run = cli().terminal(true).run("watch", "exp-1", "--interval", "10ms");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    int frameLines = (int) run.out().lines().takeWhile(l -> !l.contains("\u001b[")).count();
    assertThat(run.out()).contains(String.format(WatchScreen.CLEAR_PREVIOUS, frameLines));
    assertThat(run.out().split("\u001b\\[" + frameLines + "F", -1)).hasSize(3);
    assertThat(run.out())
        .contains("Phase:     PROMOTED")
        .endsWith("experiment exp-1 ended PROMOTED\n");
  }

  @Test
  @DisplayName(
      "watch in a pipe appends a line per change only, and -o json streams one document per change")
  void watchAppendsInAPipe() {
    String canary = RenderingTest.VIEW;
    String aborted = RenderingTest.VIEW.replace("\"phase\": \"CANARY\"", "\"phase\": \"ABORTED\"");
    script.put("/api/v1/experiments/exp-1", List.of(json(canary), json(canary), json(aborted)));
    Run run = cli().run("watch", "exp-1", "--interval", "10ms");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.EXPERIMENT_FAILED);
    assertThat(run.out()).doesNotContain("\u001b[");
    assertThat(run.out().lines().filter(l -> l.contains("CANARY step 2/3 at 50%"))).hasSize(1);
    assertThat(run.out().lines().filter(l -> l.contains("by aegis: step 1 passed"))).hasSize(1);
    assertThat(run.out()).endsWith("experiment exp-1 ended ABORTED\n");

    served.set(0);
    Run json = cli().run("watch", "exp-1", "--interval", "10ms", "-o", "json");
    assertThat(json.exitCode()).isEqualTo(ExitCode.EXPERIMENT_FAILED);
    assertThat(json.out().lines())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).startsWith("{\"id\":\"exp-1\""));
  }

  @Test
  @DisplayName(
      "a bulk replay counts what matches, says so on stderr, and reports how many were replayed")
  void bulkReplay() {
    script.put("/api/v1/dead-letters", List.of(json("[{\"id\": 4}, {\"id\": 9}]"), json("{}")));
    script.put(
        "/api/v1/dead-letters/replay",
        List.of(
            json(
                """
        {"replayed": 2, "items": [
          {"deadLetterId": 4, "topic": "aegis.health", "partition": 0, "offset": 120, "replayCount": 1},
          {"deadLetterId": 9, "topic": "aegis.health", "partition": 1, "offset": 77, "replayCount": 2}]}
        """)));
    Run run =
        cli()
            .run(
                "dlq",
                "replay",
                "--reason",
                "window-in-future",
                "--type",
                "dev.aegis.health.reported.v1");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err())
        .isEqualTo(
            "Replaying 2 dead letters matching reason=window-in-future, "
                + "type=dev.aegis.health.reported.v1 ...\n");
    assertThat(run.out())
        .isEqualTo(
            """
        Replayed 2 of 2 dead letters.
        ID   TO                    REPLAY #
        4    aegis.health[0]@120   1
        9    aegis.health[1]@77    2
        """);
    assertThat(requests.get(1).get("body"))
        .contains("\"reason\":\"window-in-future\"", "\"limit\":1000");
  }
}
