package dev.aegis.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A minimal server-sent-events reader for tests: every event received, in order, with its JSON
 * data.
 */
final class SseClient implements AutoCloseable {

  record Event(String name, JsonNode data) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpResponse<InputStream> response;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = new Thread(this::read, "test-sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens {@code url}; the caller checks {@link #status()} (only a 200 carries events). */
  static SseClient open(HttpClient http, String url) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    try {
      return new SseClient(http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int status() {
    return response.statusCode();
  }

  HttpResponse<InputStream> response() {
    return response;
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<Event> events(String name, Predicate<JsonNode> matching) {
    return events.stream().filter(e -> e.name().equals(name) && matching.test(e.data())).toList();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(new Event(name, JSON.readTree(data.toString())));
          }
          name = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
        }
      }
    } catch (IOException closed) {
      // the stream ended: closed by the test or by the server
    }
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // closing is all we wanted
    }
    reader.interrupt();
  }
}
