package dev.aegis.orchestrator.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.operators.actuation.AegisMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kubernetes API server for an orchestrator in another context or JVM: fabric8's, in CRUD mode,
 * on 127.0.0.1, hosted by the test. Its dispatcher keeps a log of every write it answered and can
 * be switched into an outage, where every request is answered 503 as an API server whose etcd is
 * gone.
 *
 * <p>The write log is the server's view, so it holds the writes of an orchestrator killed before it
 * saw the answer: {@link #repeatedWrites()} finds an object written twice by the same command,
 * which the idempotency annotation {@value AegisMetadata#LAST_ACTUATION} exists to prevent.
 * Thread-safe.
 */
final class ClusterApi implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The mock server logs every request at INFO through java.util.logging: thousands of lines in a
   * kill loop.
   */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  /**
   * One successful write: verb, object ({@code namespace/kind/name}), the command id it carried.
   */
  record Write(String verb, String object, String commandId) {}

  private final RecordingDispatcher dispatcher = new RecordingDispatcher();
  private final KubernetesMockServer server;
  private final KubernetesClient admin;

  ClusterApi() {
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            dispatcher,
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    admin = server.createClient();
  }

  /** The API server's URL, for {@code aegis.kubernetes.master-url}. */
  String masterUrl() {
    return admin.getConfiguration().getMasterUrl();
  }

  /**
   * A client to set up and inspect the cluster; its writes are logged too (set up before {@link
   * #clearLog()}).
   */
  KubernetesClient admin() {
    return admin;
  }

  /** Starts (true) or ends (false) an outage: every request is answered 503 while it lasts. */
  void outage(boolean down) {
    dispatcher.down = down;
  }

  /**
   * Answers every request {@code latency} late (zero: at once), as an API server across a network
   * does; the server waits on a timer, so requests still overlap.
   */
  void latency(Duration latency) {
    dispatcher.latency = latency;
  }

  /** Forgets the writes logged so far (the test's own setup). */
  void clearLog() {
    synchronized (dispatcher.writes) {
      dispatcher.writes.clear();
    }
  }

  /** Every successful write since {@link #clearLog()}, in the order the server answered them. */
  List<Write> writes() {
    synchronized (dispatcher.writes) {
      return List.copyOf(dispatcher.writes);
    }
  }

  /** How many requests were answered 503 during outages. */
  long refused() {
    return dispatcher.refused.get();
  }

  /**
   * The (object, command) pairs written more than once, with their count: each must be empty, as a
   * command marks what it wrote and a re-run skips every object that carries its id.
   */
  Map<String, Integer> repeatedWrites() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Write w : writes()) {
      if (w.commandId() != null && !w.verb().equals("DELETE")) {
        counts.merge(w.object() + " by " + w.commandId(), 1, Integer::sum);
      }
    }
    counts.values().removeIf(n -> n < 2);
    return counts;
  }

  @Override
  public void close() {
    admin.close();
    server.destroy();
  }

  /** The CRUD store, behind an outage switch and a log of what it wrote. */
  private static final class RecordingDispatcher extends KubernetesCrudDispatcher {
    private final List<Write> writes = new ArrayList<>();
    private volatile boolean down;
    private volatile Duration latency = Duration.ZERO;
    private final AtomicLong refused = new AtomicLong();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (down) {
        refused.incrementAndGet();
        return new MockResponse()
            .setResponseCode(503)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                    + "\"status\":\"Failure\",\"message\":\"etcdserver: request timed out\",\"code\":503}");
      }
      String verb = request.getMethod().toUpperCase(Locale.ROOT);
      // Described before the store reads the body, which consumes it.
      Write write = WRITES.contains(verb) ? describe(verb, request) : null;
      MockResponse response = super.dispatch(request);
      if (write != null && response.code() < 300) {
        synchronized (writes) {
          writes.add(write);
        }
      }
      return latency.isZero() ? response : response.setBodyDelay(latency);
    }

    private static Write describe(String verb, RecordedRequest request) {
      String path = request.getPath();
      int query = path.indexOf('?');
      path = query < 0 ? path : path.substring(0, query);
      String commandId = null;
      String object = path;
      try {
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
        if (body.length > 0) {
          JsonNode json = JSON.readTree(body);
          JsonNode metadata = json.path("metadata");
          commandId = metadata.path("annotations").path(AegisMetadata.LAST_ACTUATION).asText(null);
          if (verb.equals("POST")) {
            object = path + "/" + metadata.path("name").asText();
          }
        }
      } catch (IOException e) {
        object = path + " (unreadable body)";
      }
      return new Write(verb, object, commandId);
    }
  }
}
