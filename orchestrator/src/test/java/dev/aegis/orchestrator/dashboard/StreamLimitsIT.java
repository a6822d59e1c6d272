package dev.aegis.orchestrator.dashboard;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.aegis.orchestrator.security.ApiTokens;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.autoconfigure.web.servlet.MockMvcPrint;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Live streams are bounded per principal, refused to anonymous clients, and to pages of another
 * origin.
 */
@AegisComponentTest(
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-stream-limits-0123456789",
      "aegis.dashboard.max-per-principal=2",
      "aegis.dashboard.max-clients=10",
      "aegis.dashboard.allowed-origins=https://dashboards.example"
    })
// No printing of results: an open live stream's response is still being written by the stream's own
// thread,
// and printing its headers meanwhile races with that writer.
@AutoConfigureMockMvc(print = MockMvcPrint.NONE)
class StreamLimitsIT {

  @Autowired MockMvc mvc;
  @Autowired ApiTokens tokens;

  @Test
  @DisplayName(
      "a principal gets max-per-principal streams, then 429 with Retry-After; another principal still gets one")
  void perPrincipal() throws Exception {
    String alice =
        tokens.create("stream-alice", List.of("viewer"), List.of("*"), null, "test").secret();
    String bob =
        tokens.create("stream-bob", List.of("viewer"), List.of("*"), null, "test").secret();
    for (int i = 0; i < 2; i++) {
      mvc.perform(get("/api/v1/stream").header("Authorization", "Bearer " + alice))
          .andExpect(status().isOk());
    }
    mvc.perform(get("/api/v1/stream").header("Authorization", "Bearer " + alice))
        .andExpect(status().isTooManyRequests())
        .andExpect(header().string("Retry-After", "5"))
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("stream-alice")));
    mvc.perform(get("/api/v1/stream").header("Authorization", "Bearer " + bob))
        .andExpect(status().isOk());
  }

  @Test
  @DisplayName(
      "no principal, no stream (401); a principal of one namespace gets none (403); a foreign Origin is 403")
  void refusals() throws Exception {
    mvc.perform(get("/api/v1/stream")).andExpect(status().isUnauthorized());
    String scoped =
        tokens.create("stream-shop", List.of("viewer"), List.of("shop"), null, "test").secret();
    mvc.perform(get("/api/v1/stream").header("Authorization", "Bearer " + scoped))
        .andExpect(status().isForbidden());
    String carol =
        tokens.create("stream-carol", List.of("viewer"), List.of("*"), null, "test").secret();
    mvc.perform(
            get("/api/v1/stream")
                .header("Authorization", "Bearer " + carol)
                .header("Origin", "https://evil.example"))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/origin"));
    mvc.perform(
            get("/api/v1/stream")
                .header("Authorization", "Bearer " + carol)
                .header("Origin", "https://dashboards.example"))
        .andExpect(status().isOk());
    mvc.perform(
            get("/api/v1/stream")
                .header("Authorization", "Bearer " + carol)
                .header("Origin", "http://localhost"))
        .andExpect(status().isOk());
  }
}
