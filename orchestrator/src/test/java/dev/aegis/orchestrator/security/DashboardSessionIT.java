package dev.aegis.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.RawHttp;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard's login over real HTTP: a token buys a session cookie (HttpOnly, Secure,
 * SameSite=Strict) and a CSRF token; a change made with the cookie but without the CSRF token is
 * refused and changes nothing; pages carry a Content-Security-Policy without inline script and with
 * frame-ancestors 'none'.
 */
@AegisComponentTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"aegis.api.auth=token", "aegis.api.token=" + DashboardSessionIT.BOOTSTRAP})
class DashboardSessionIT {

  static final String BOOTSTRAP = "bootstrap-token-of-dashboard-session-test-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUBMISSION =
      """
      {"service": "session-cart", "namespace": "shop", "candidate": {"version": "v2", "image": "r.local/s:v2"}}""";

  @LocalServerPort int port;
  @Autowired Jdbi jdbi;
  @Autowired KubernetesClient cluster;

  @BeforeEach
  void deployStable() {
    Workloads.deployStable(cluster, "shop", "session-cart");
  }

  private long experiments() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM experiments").mapTo(Long.class).one());
  }

  @Test
  @DisplayName(
      "login sets a strict session cookie; a cookie change without the CSRF token is 403 and changes nothing; with it, it goes through")
  void sessionAndCsrf() throws Exception {
    RawHttp.Response refused =
        RawHttp.send(port, "POST", "/api/v1/session", List.of(), "{\"token\": \"guess\"}");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.header("set-cookie")).isNull();

    RawHttp.Response login =
        RawHttp.send(
            port, "POST", "/api/v1/session", List.of(), "{\"token\": \"" + BOOTSTRAP + "\"}");
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    String setCookie = login.header("set-cookie");
    assertThat(setCookie)
        .contains("AEGIS_SESSION=")
        .contains("HttpOnly")
        .contains("Secure")
        .contains("SameSite=Strict");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    JsonNode session = JSON.readTree(login.body());
    assertThat(session.path("name").asText()).isEqualTo("bootstrap");
    String csrf = session.path("csrfToken").asText();
    assertThat(csrf).isNotBlank();

    RawHttp.Response read =
        RawHttp.send(port, "GET", "/api/v1/experiments", List.of("Cookie: " + cookie), null);
    assertThat(read.status()).isEqualTo(200);

    long before = experiments();
    RawHttp.Response forged =
        RawHttp.send(port, "POST", "/api/v1/experiments", List.of("Cookie: " + cookie), SUBMISSION);
    assertThat(forged.status()).isEqualTo(403);
    assertThat(forged.body()).contains("csrf");
    RawHttp.Response basic =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/experiments",
            List.of("Cookie: " + cookie, "Authorization: Basic Zm9vOmJhcg=="),
            SUBMISSION);
    assertThat(basic.status())
        .as("another Authorization scheme does not stand in for the CSRF token")
        .isEqualTo(403);
    RawHttp.Response wrong =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/experiments",
            List.of("Cookie: " + cookie, "X-CSRF-TOKEN: " + csrf + "x"),
            SUBMISSION);
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(experiments()).isEqualTo(before);

    RawHttp.Response made =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/experiments",
            List.of("Cookie: " + cookie, "X-CSRF-TOKEN: " + csrf),
            SUBMISSION);
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    assertThat(experiments()).isEqualTo(before + 1);

    RawHttp.Response logout =
        RawHttp.send(
            port,
            "DELETE",
            "/api/v1/session",
            List.of("Cookie: " + cookie, "X-CSRF-TOKEN: " + csrf),
            null);
    assertThat(logout.status()).isEqualTo(204);
    assertThat(
            RawHttp.send(port, "GET", "/api/v1/experiments", List.of("Cookie: " + cookie), null)
                .status())
        .as("the session is gone")
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "the dashboard page and the API carry CSP (no inline script, frame-ancestors 'none') and the standard headers")
  void securityHeaders() throws Exception {
    for (String path : List.of("/", "/api/v1/experiments")) {
      RawHttp.Response r =
          RawHttp.send(port, "GET", path, List.of("Authorization: Bearer " + BOOTSTRAP), null);
      assertThat(r.status()).as(path).isEqualTo(200);
      String csp = r.header("content-security-policy");
      assertThat(csp)
          .as(path)
          .contains("frame-ancestors 'none'")
          .contains("script-src 'self'")
          .doesNotContain("unsafe-inline")
          .doesNotContain("unsafe-eval");
      assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
      assertThat(r.header("x-frame-options")).isEqualTo("DENY");
      assertThat(r.header("referrer-policy")).isEqualTo("no-referrer");
    }
    RawHttp.Response page = RawHttp.send(port, "GET", "/", List.of(), null);
    assertThat(page.status())
        .as("the static page asks for a token; it holds no data")
        .isEqualTo(200);
    assertThat(page.body())
        .doesNotContainPattern("<script>(?s).*</script>")
        .doesNotContain("onclick=")
        .doesNotContain("style=\"");
  }
}
