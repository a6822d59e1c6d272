package dev.aegis.chaos.gameday;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: a real HTTP server (the JDK's) that answers the Aegis API calls of a game day
 * from a script: the phases the experiment goes through before and after the fault, how the fault
 * request is answered, the RCA, the revert. Records every request.
 */
final class ScriptedAegis implements BeforeEachCallback, AfterEachCallback {

  static final String EXPERIMENT = "exp-1";
  static final String FAULT = "fault-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Request(String method, String path, String authorization, JsonNode body) {}

  private HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final Deque<String> beforeFault = new ArrayDeque<>();
  private final Deque<String> afterFault = new ArrayDeque<>();
  private final Map<String, Answer> fixed = new ConcurrentHashMap<>();
  private boolean injected;
  private String current = "SUBMITTED/1/0";

  record Answer(int status, String body) {}

  /**
   * Phases ("CANARY/2/50": phase, step, weight) the experiment shows on each GET before the fault;
   * the last sticks.
   */
  ScriptedAegis before(String... states) {
    beforeFault.addAll(List.of(states));
    return this;
  }

  /** Phases the experiment shows on each GET after the fault was injected; the last sticks. */
  ScriptedAegis after(String... states) {
    afterFault.addAll(List.of(states));
    return this;
  }

  /** Answers {@code method path} with {@code status} and {@code body}. */
  ScriptedAegis answer(String method, String path, int status, String body) {
    fixed.put(method + " " + path, new Answer(status, body));
    return this;
  }

  /** An RCA naming {@code faultIds}. */
  ScriptedAegis rcaNaming(String... faultIds) {
    ObjectNode rca =
        JSON.createObjectNode()
            .put("experimentId", EXPERIMENT)
            .put(
                "summary",
                "error rate 100.00% is not below the 2.00% SLO; chaos active then: network-partition on"
                    + " canary ("
                    + String.join(", ", faultIds)
                    + ")");
    ArrayNode faults = rca.putArray("activeFaults");
    for (String id : faultIds) {
      faults.addObject().put("faultId", id).put("kind", "network-partition").put("track", "canary");
    }
    return answer("GET", "/api/v1/quarantine/" + EXPERIMENT + "/rca", 200, rca.toString());
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<Request> requests(String method, String path) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .toList();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
    answer(
        "POST",
        "/api/v1/experiments",
        201,
        "{\"id\":\"" + EXPERIMENT + "\",\"phase\":\"SUBMITTED\",\"step\":1," + "\"weight\":0}");
    answer(
        "POST",
        "/api/v1/chaos/faults",
        201,
        "{\"faultId\":\""
            + FAULT
            + "\",\"mechanism\":\"native\","
            + "\"summary\":\"NetworkPolicy demo/aegis-chaos-fault-1 denies all ingress and egress\"}");
    answer(
        "POST",
        "/api/v1/chaos/faults/" + FAULT + "/revert",
        200,
        "{\"faultId\":\"" + FAULT + "\"}");
    answer("POST", "/api/v1/experiments/" + EXPERIMENT + "/abort", 202, "{}");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    byte[] in = exchange.getRequestBody().readAllBytes();
    JsonNode body = in.length == 0 ? null : JSON.readTree(in);
    Answer answer;
    synchronized (this) {
      requests.add(
          new Request(method, path, exchange.getRequestHeaders().getFirst("Authorization"), body));
      if (method.equals("POST") && path.equals("/api/v1/chaos/faults")) {
        injected = true;
      }
      if (method.equals("GET") && path.equals("/api/v1/experiments/" + EXPERIMENT)) {
        answer = new Answer(200, view());
      } else {
        answer =
            fixed.getOrDefault(
                method + " " + path,
                new Answer(
                    404,
                    "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no "
                        + path
                        + "\"}"));
      }
    }
    byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .add(
            "Content-Type",
            answer.status() >= 400 ? "application/problem+json" : "application/json");
    exchange.sendResponseHeaders(answer.status(), out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  private String view() {
    Deque<String> script = injected ? afterFault : beforeFault;
    if (script.size() > 1) {
      current = script.pop();
    } else if (!script.isEmpty()) {
      current = script.peek();
    }
    String[] parts = current.split("/");
    ObjectNode view =
        JSON.createObjectNode()
            .put("id", EXPERIMENT)
            .put("phase", parts[0])
            .put("step", Integer.parseInt(parts[1]))
            .put("weight", Integer.parseInt(parts[2]));
    view.putObject("latestJudgment").put("summary", "step " + parts[1] + " judged");
    view.putArray("history")
        .addObject()
        .put("from", "SUBMITTED")
        .put("to", "CANARY")
        .put("reason", "placed")
        .put("at", "2025-06-01T10:00:00Z");
    return view.toString();
  }
}
