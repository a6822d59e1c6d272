package dev.aegis.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hamcrest.Matchers;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * API tokens over the API: made by an admin only, shown once, stored as a digest, expiring,
 * revocable.
 */
@AegisComponentTest(
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=" + ApiTokensIT.BOOTSTRAP,
      "aegis.security.tokens.max-ttl=P90D"
    })
@AutoConfigureMockMvc
class ApiTokensIT {

  static final String BOOTSTRAP = "bootstrap-token-of-api-tokens-test-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired MockMvc mvc;
  @Autowired Jdbi jdbi;

  private JsonNode create(String as, String body, int expected) throws Exception {
    String text =
        mvc.perform(
                post("/api/v1/tokens")
                    .header("Authorization", "Bearer " + as)
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(body))
            .andExpect(status().is(expected))
            .andReturn()
            .getResponse()
            .getContentAsString();
    return JSON.readTree(text);
  }

  @Test
  @DisplayName(
      "an admin makes a token; it works at once, its secret is never stored or listed, revoking it is 401 at once")
  void lifecycle() throws Exception {
    JsonNode issued =
        create(
            BOOTSTRAP,
            """
        {"name": "ci-deployer", "roles": ["platform-engineer"], "namespaces": ["shop"], "ttl": "P7D"}""",
            201);
    String secret = issued.path("secret").asText();
    String id = issued.path("token").path("id").asText();
    assertThat(secret).startsWith("aegis_" + id + "_");
    assertThat(issued.path("token").path("roles").get(0).asText()).isEqualTo("platform-engineer");

    mvc.perform(get("/api/v1/experiments").header("Authorization", "Bearer " + secret))
        .andExpect(status().isOk());

    List<Map<String, Object>> rows =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT * FROM api_tokens WHERE id = :id")
                    .bind("id", id)
                    .mapToMap()
                    .list());
    assertThat(rows).hasSize(1);
    // The secret's random part follows "aegis_<id>_" (it may itself contain '_').
    String random = secret.substring(("aegis_" + id + "_").length());
    assertThat(random).hasSizeGreaterThan(16);
    for (Object value : rows.get(0).values()) {
      String text =
          value instanceof byte[] b
              ? new String(b, StandardCharsets.ISO_8859_1)
              : String.valueOf(value);
      assertThat(text).doesNotContain(random);
    }
    String listed =
        mvc.perform(get("/api/v1/tokens").header("Authorization", "Bearer " + BOOTSTRAP))
            .andExpect(status().isOk())
            .andReturn()
            .getResponse()
            .getContentAsString();
    assertThat(listed).contains(id).doesNotContain(secret);

    mvc.perform(delete("/api/v1/tokens/" + id).header("Authorization", "Bearer " + BOOTSTRAP))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("revoked"));
    mvc.perform(get("/api/v1/experiments").header("Authorization", "Bearer " + secret))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("revoked")));
    String audit =
        mvc.perform(get("/api/v1/audit").header("Authorization", "Bearer " + BOOTSTRAP))
            .andReturn()
            .getResponse()
            .getContentAsString();
    assertThat(audit).contains("token.create").contains("token.revoke");
  }

  @Test
  @DisplayName("only an admin makes tokens; a made-up, malformed or expired token is 401")
  void refusals() throws Exception {
    JsonNode sre =
        create(
            BOOTSTRAP,
            """
        {"name": "oncall", "roles": ["sre"], "namespaces": ["*"]}""",
            201);
    create(
        sre.path("secret").asText(),
        """
        {"name": "escalated", "roles": ["admin"], "namespaces": ["*"]}""",
        403);
    assertThat(
            create(
                    BOOTSTRAP,
                    """
        {"name": "x", "roles": ["root"], "namespaces": ["*"]}""",
                    400)
                .path("field")
                .asText())
        .isEqualTo("roles");
    assertThat(
            create(
                    BOOTSTRAP,
                    """
        {"name": "x", "roles": ["viewer"], "namespaces": ["Shop!"]}""",
                    400)
                .path("field")
                .asText())
        .isEqualTo("namespaces");
    assertThat(
            create(
                    BOOTSTRAP,
                    """
        {"name": "x", "roles": ["viewer"], "namespaces": ["*"], "ttl": "P400D"}""",
                    400)
                .path("field")
                .asText())
        .isEqualTo("ttl");

    for (String bogus :
        List.of("aegis_000000000000_nope", "not-a-token", sre.path("secret").asText() + "x")) {
      mvc.perform(get("/api/v1/experiments").header("Authorization", "Bearer " + bogus))
          .andExpect(status().isUnauthorized())
          .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/unauthorized"));
    }

    String shortLived =
        create(
                BOOTSTRAP,
                """
        {"name": "brief", "roles": ["viewer"], "namespaces": ["*"], "ttl": "PT1S"}""",
                201)
            .path("secret")
            .asText();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                mvc.perform(
                        get("/api/v1/experiments").header("Authorization", "Bearer " + shortLived))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.detail").value(Matchers.containsString("expired"))));
  }
}
