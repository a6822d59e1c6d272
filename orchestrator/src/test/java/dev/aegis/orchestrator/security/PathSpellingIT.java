package dev.aegis.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.RawHttp;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;

/**
 * Every state-changing endpoint, spelled every way a client might try to slip past the rules, over
 * a raw socket to the real server: each answer is 401 (no principal) or 400 (the firewall), never
 * 2xx, and nothing changes. The audit at main 5b17b00 found {@code /%61pi/v1/experiments} and
 * {@code /api;/v1/experiments} accepted without a token.
 */
@AegisComponentTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"aegis.api.auth=token", "aegis.api.token=" + PathSpellingIT.BOOTSTRAP})
class PathSpellingIT {

  static final String BOOTSTRAP = "bootstrap-token-for-path-spelling-test-0123456789";
  private static final String SUBMISSION =
      """
      {"service": "spelled", "namespace": "shop", "candidate": {"version": "v2", "image": "registry.local/spelled:v2"}}""";

  @LocalServerPort int port;
  @Autowired Jdbi jdbi;
  @Autowired KubernetesClient cluster;

  @BeforeEach
  void deployStable() {
    Workloads.deployStable(cluster, "shop", "spelled");
  }

  /**
   * Spellings of {@code path} (which starts with /api/v1/) that a normalising reader takes for it.
   */
  static List<String> spellings(String path) {
    String rest = path.substring("/api/v1".length());
    List<String> out = new ArrayList<>();
    out.add(path);
    out.add("/%61pi/v1" + rest);
    out.add("/api/%761" + rest);
    out.add("/api;/v1" + rest);
    out.add("/api/v1;jsessionid=0123456789ABCDEF" + rest);
    out.add(path + ";jsessionid=0123456789ABCDEF");
    out.add(path + ";a=b");
    out.add("//api/v1" + rest);
    out.add("/api//v1" + rest);
    out.add(path.replaceFirst("/([^/]+)$", "//$1"));
    out.add("/api/v1/." + rest);
    out.add("/api/v1/%2e" + rest);
    out.add("/api/v1/%2E" + rest);
    out.add("/api/x/../v1" + rest);
    out.add("/api/x/%2e%2e/v1" + rest);
    out.add("/api%2fv1" + rest);
    out.add("/api%2Fv1" + rest);
    out.add("/api/v1%2f" + rest.substring(1));
    out.add("/api\\v1" + rest);
    out.add("/api/v1%5c" + rest.substring(1));
    out.add("/API/V1" + rest.toUpperCase(Locale.ROOT));
    out.add("/Api/v1" + rest);
    out.add(path + "/");
    out.add(path + "%20");
    out.add(path + "%00");
    out.add(path + "%3b");
    out.add(path + "/.");
    out.add("/api/v1/%252e" + rest);
    out.add("/./api/v1" + rest);
    return out;
  }

  /** The state-changing endpoints of the access rules, with placeholders filled in. */
  static Map<String, String> changes() {
    Map<String, String> out = new LinkedHashMap<>();
    for (AccessRules.Rule rule : AccessRules.RULES) {
      if (rule.method() != HttpMethod.GET && !rule.open() && rule.path().startsWith("/api/v1/")) {
        out.put(
            rule.method() + " " + rule.path(),
            rule.path()
                .replace("{id}", "e0")
                .replace("{name}", "checkout")
                .replace("{action}", "launch")
                .replace("{namespace}", "shop"));
      }
    }
    return out;
  }

  @Test
  @DisplayName(
      "every spelling of every state-changing endpoint without a token is 401 or 400, and nothing changes")
  void noSpellingGetsThrough() throws Exception {
    long experimentsBefore = count("experiments");
    long auditBefore = count("audit_log");
    List<String> leaks = new ArrayList<>();
    int tried = 0;
    for (Map.Entry<String, String> endpoint : changes().entrySet()) {
      String method = endpoint.getKey().substring(0, endpoint.getKey().indexOf(' '));
      for (String target : spellings(endpoint.getValue())) {
        RawHttp.Response r =
            RawHttp.send(
                port,
                method,
                target,
                List.of("X-Aegis-Actor: admin"),
                endpoint.getValue().equals("/api/v1/experiments") ? SUBMISSION : "{}");
        tried++;
        if (r.status() != 401 && r.status() != 400) {
          leaks.add(method + " " + target + " -> " + r.status());
        }
      }
    }
    assertThat(tried).isGreaterThan(200);
    assertThat(leaks).as("spellings answered other than 401/400").isEmpty();
    assertThat(count("experiments")).isEqualTo(experimentsBefore);
    assertThat(count("audit_log")).isEqualTo(auditBefore);
  }

  private long count(String table) {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
  }

  @Test
  @DisplayName(
      "reads spelled oddly are refused too, and the plain spelling with the token works (the test can pass)")
  void readsAndTheControl() throws Exception {
    for (String target : spellings("/api/v1/experiments")) {
      assertThat(RawHttp.send(port, "GET", target, List.of(), null).status())
          .as(target)
          .isIn(400, 401);
    }
    RawHttp.Response ok =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/experiments",
            List.of("Authorization: Bearer " + BOOTSTRAP),
            SUBMISSION);
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    RawHttp.Response encoded =
        RawHttp.send(
            port,
            "POST",
            "/%61pi/v1/experiments",
            List.of("Authorization: Bearer " + BOOTSTRAP),
            SUBMISSION);
    assertThat(encoded.status())
        .as("the firewall refuses the spelling whoever asks")
        .isEqualTo(400);
    assertThat(encoded.header("content-type")).contains("application/problem+json");
    assertThat(encoded.body()).contains("rejected-path");
  }

  @Test
  @DisplayName(
      "with a principal, every other spelling of every state-changing endpoint is 400, 404 or 405,"
          + " and nothing changes")
  void noSpellingGetsThroughWithAToken() throws Exception {
    long experimentsBefore = count("experiments");
    long auditBefore = count("audit_log");
    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, String> endpoint : changes().entrySet()) {
      String method = endpoint.getKey().substring(0, endpoint.getKey().indexOf(' '));
      for (String target : spellings(endpoint.getValue())) {
        if (target.equals(endpoint.getValue())) {
          continue;
        }
        RawHttp.Response r =
            RawHttp.send(
                port,
                method,
                target,
                List.of("Authorization: Bearer " + BOOTSTRAP),
                endpoint.getValue().equals("/api/v1/experiments") ? SUBMISSION : "{}");
        if (r.status() != 400 && r.status() != 404 && r.status() != 405) {
          leaks.add(method + " " + target + " -> " + r.status());
        }
      }
    }
    assertThat(leaks).as("spellings answered other than 400/404/405").isEmpty();
    assertThat(count("experiments")).isEqualTo(experimentsBefore);
    assertThat(count("audit_log")).isEqualTo(auditBefore);
  }

  @Test
  @DisplayName(
      "a principal gets 404 for a path no endpoint has and 405 with Allow for a method it does not"
          + " take; without a principal both are 401, so paths cannot be probed")
  void unknownPathsAndMethods() throws Exception {
    List<String> token = List.of("Authorization: Bearer " + BOOTSTRAP);
    for (String path : List.of("/api/v1/experiment", "/api/v1/experiments/", "/api/v2/x")) {
      RawHttp.Response r = RawHttp.send(port, "GET", path, token, null);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.header("content-type")).contains("application/problem+json");
      assertThat(r.body()).contains("not-found").contains("No such endpoint");
      assertThat(RawHttp.send(port, "GET", path, List.of(), null).status())
          .as(path + " without a principal")
          .isEqualTo(401);
    }
    RawHttp.Response delete = RawHttp.send(port, "DELETE", "/api/v1/experiments", token, null);
    assertThat(delete.status()).isEqualTo(405);
    assertThat(delete.header("allow")).isEqualTo("GET, POST");
    assertThat(delete.body()).contains("method-not-allowed").contains("DELETE is not allowed");
    RawHttp.Response put = RawHttp.send(port, "PUT", "/api/v1/experiments/e0/pause", token, "{}");
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.header("allow")).isEqualTo("POST");
    assertThat(RawHttp.send(port, "DELETE", "/api/v1/experiments", List.of(), null).status())
        .isEqualTo(401);
    assertThat(RawHttp.send(port, "GET", "/api/v1/experiments", token, null).status())
        .as("the control: the endpoint itself answers")
        .isEqualTo(200);
  }

  @Test
  @DisplayName(
      "the probes answer anyone, but only with a status: no component details without a principal")
  void probesAreOpenButTerse() throws Exception {
    for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
      RawHttp.Response r = RawHttp.send(port, "GET", probe, List.of(), null);
      assertThat(r.status()).as(probe).isEqualTo(200);
      assertThat(r.body()).contains("UP").doesNotContain("components").doesNotContain("details");
    }
    assertThat(RawHttp.send(port, "GET", "/actuator/health", List.of(), null).status())
        .isEqualTo(401);
    assertThat(RawHttp.send(port, "GET", "/actuator/prometheus", List.of(), null).status())
        .isEqualTo(401);
  }
}
