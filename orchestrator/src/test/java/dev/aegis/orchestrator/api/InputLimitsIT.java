package dev.aegis.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.RawHttp;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

/**
 * Every input limit over real HTTP: each answers a 4xx problem naming what is wrong, and nothing
 * changes (no experiment, no audit entry, no transition).
 */
@AegisComponentTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class InputLimitsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired Jdbi jdbi;
  @Autowired Environment environment;
  @Autowired KubernetesClient cluster;

  @BeforeEach
  void deployStable() {
    Workloads.deployStable(cluster, "shop", "limited", "reasoned");
  }

  private long rows(String table) {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
  }

  private static String submission(String image, String version, String namespace, String extra) {
    return """
        {"service": "limited", "namespace": "%s", "candidate": {"version": "%s", "image": "%s"%s}}"""
        .formatted(namespace, version, image, extra);
  }

  private JsonNode refused(String body, int status) throws Exception {
    long experiments = rows("experiments");
    long audit = rows("audit_log");
    RawHttp.Response r = RawHttp.send(port, "POST", "/api/v1/experiments", List.of(), body);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).startsWith("application/problem+json");
    assertThat(rows("experiments")).isEqualTo(experiments);
    assertThat(rows("audit_log")).isEqualTo(audit);
    return JSON.readTree(r.body());
  }

  @Test
  @DisplayName(
      "a chunked body past 1 MiB is stopped at the limit with 413, as is a declared Content-Length past it")
  void bodyLimitOnBytesRead() throws Exception {
    long experiments = rows("experiments");
    String padding = "x".repeat(64 * 1024);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/experiments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      byte[] start =
          "{\"service\": \"limited\", \"namespace\": \"shop\", \"pad\": \""
              .getBytes(StandardCharsets.UTF_8);
      out.write((Integer.toHexString(start.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(start);
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String answer;
      try {
        for (int i = 0; i < 24; i++) { // 1.5 MiB in all
          byte[] chunk = padding.getBytes(StandardCharsets.UTF_8);
          out.write(
              (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException closedEarly) {
        // the server may answer and close before the whole body is sent: that is the point
      }
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 413").contains("body-too-large");
    }
    assertThat(rows("experiments")).isEqualTo(experiments);

    RawHttp.Response declared =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/experiments",
            List.of("Content-Length-Override: none"),
            "{\"service\": \"" + "y".repeat(1_100_000) + "\"}");
    assertThat(declared.status()).isEqualTo(413);
  }

  @Test
  @DisplayName(
      "a body that is not JSON is 415 naming what to send; a parameter outside its values is 400"
          + " listing them")
  void mediaTypeAndParameterValues() throws Exception {
    long experiments = rows("experiments");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> text =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/experiments"))
                .header("Content-Type", "text/plain")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        submission("registry.local/limited:v2", "v2", "shop", "")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).as(text.body()).isEqualTo(415);
    assertThat(text.headers().firstValue("Accept")).hasValue("application/json");
    JsonNode problem = JSON.readTree(text.body());
    assertThat(problem.path("type").asText()).endsWith("/unsupported-media-type");
    assertThat(problem.path("detail").asText())
        .startsWith("send the body as application/json, not text/plain");
    assertThat(rows("experiments")).isEqualTo(experiments);

    HttpResponse<String> phase =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/experiments?phase=canery"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(phase.statusCode()).as(phase.body()).isEqualTo(400);
    assertThat(JSON.readTree(phase.body()).path("detail").asText())
        .startsWith("parameter 'phase' has an invalid value 'canery'; one of [")
        .contains("CANARY", "QUARANTINED");
  }

  @Test
  @DisplayName("unknown fields are refused naming the field, at the top and nested")
  void unknownFields() throws Exception {
    JsonNode top =
        refused(
            submission("registry.local/limited:v2", "v2", "shop", "")
                .replaceFirst("\\{", "{\"bogus\": 1, "),
            400);
    assertThat(top.path("field").asText()).isEqualTo("bogus");
    assertThat(top.path("type").asText()).endsWith("unknown-field");
    JsonNode nested =
        refused(submission("registry.local/limited:v2", "v2", "shop", ", \"tag\": \"x\""), 400);
    assertThat(nested.path("field").asText()).isEqualTo("candidate.tag");
  }

  @Test
  @DisplayName(
      "image references are validated, versions and namespaces bounded, each error naming its field")
  void boundedStrings() throws Exception {
    for (String image :
        List.of(
            "registry.local/UPPER:v2",
            "registry.local/x:v2; rm -rf /",
            "a".repeat(600),
            "registry.local/x:" + "t".repeat(200),
            "registry.local/x@sha256:beef",
            "registry.local/x\\n:v2")) {
      assertThat(refused(submission(image, "v2", "shop", ""), 400).path("field").asText())
          .as(image)
          .isEqualTo("candidate.image");
    }
    assertThat(
            refused(submission("registry.local/x:v2", "v".repeat(200), "shop", ""), 400)
                .path("field")
                .asText())
        .isEqualTo("candidate.version");
    assertThat(
            refused(submission("registry.local/x:v2", "v2", "Shop_Team", ""), 400)
                .path("field")
                .asText())
        .isEqualTo("namespace");
    RawHttp.Response ok =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/experiments",
            List.of(),
            submission(
                "ghcr.io:443/team/limited@sha256:" + "a".repeat(64),
                "1.2.3-rc.1+build.5",
                "shop",
                ""));
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
  }

  @Test
  @DisplayName(
      "a reason past 1024 characters or with control characters is refused and the command not applied")
  void reasons() throws Exception {
    RawHttp.Response made =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/experiments",
            List.of(),
            submission("registry.local/reasoned:v2", "v2", "shop", "")
                .replace("\"limited\"", "\"reasoned\""));
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String id = JSON.readTree(made.body()).path("id").asText();
    for (String reason :
        List.of("r".repeat(1025), "evil\\r\\nINFO forged log line", "bell\\u0007")) {
      RawHttp.Response r =
          RawHttp.send(
              port,
              "POST",
              "/api/v1/experiments/" + id + "/pause",
              List.of(),
              "{\"reason\": \"" + reason + "\"}");
      assertThat(r.status()).as(reason).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).path("field").asText()).isEqualTo("reason");
    }
    long paused =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM transitions WHERE experiment_id = :id "
                            + "AND to_phase = 'PAUSED'")
                    .bind("id", id)
                    .mapTo(Long.class)
                    .one());
    long audited =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM audit_log WHERE target = :id "
                            + "AND action LIKE 'experiment.pause%'")
                    .bind("id", id)
                    .mapTo(Long.class)
                    .one());
    assertThat(paused).as("no pause was applied").isZero();
    assertThat(audited).isZero();
  }

  @Test
  @DisplayName("the container's error page carries no exception message or stack trace")
  void noMessagesInErrors() {
    assertThat(environment.getProperty("server.error.include-message")).isEqualTo("never");
    assertThat(environment.getProperty("server.error.include-stacktrace")).isEqualTo("never");
  }
}
