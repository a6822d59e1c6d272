package dev.aegis.orchestrator.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.aegis.orchestrator.security.ApiTokens;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.MovableClock;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hamcrest.Matchers;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Budgets per client address and per principal: the request after the budget is 429 and changes
 * nothing.
 */
@AegisComponentTest(
    properties = {
      "aegis.limits.rate.enabled=true",
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-rate-limit-test-0123456789",
      "aegis.limits.rate.address.changes-per-minute=3",
      "aegis.limits.rate.address.reads-per-minute=1000",
      "aegis.limits.rate.principal.changes-per-minute=5",
      "aegis.limits.rate.principal.reads-per-minute=1000"
    })
@AutoConfigureMockMvc
class RateLimitIT {

  @Autowired MockMvc mvc;
  @Autowired ApiTokens tokens;
  @Autowired Jdbi jdbi;
  @Autowired KubernetesClient cluster;

  private static MockHttpServletRequestBuilder from(
      MockHttpServletRequestBuilder b, String address) {
    return b.with(
        r -> {
          r.setRemoteAddr(address);
          return r;
        });
  }

  private String submission(String service) {
    Workloads.deployStable(cluster, "shop", service);
    return """
        {"service": "%s", "namespace": "shop", "candidate": {"version": "v2", "image": "registry.local/%s:v2"}}"""
        .formatted(service, service);
  }

  private long experiments() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM experiments").mapTo(Long.class).one());
  }

  @Test
  @DisplayName(
      "an address gets its budget of changes, then 429 with Retry-After and nothing changes; another address is unaffected")
  void perAddress() throws Exception {
    String token =
        tokens.create("rate-a", List.of("platform-engineer"), List.of("*"), null, "test").secret();
    for (int i = 0; i < 3; i++) {
      mvc.perform(
              from(post("/api/v1/experiments"), "10.9.0.1")
                  .header("Authorization", "Bearer " + token)
                  .contentType(MediaType.APPLICATION_JSON)
                  .content(submission("rate-a" + i)))
          .andExpect(status().isCreated());
    }
    long before = experiments();
    mvc.perform(
            from(post("/api/v1/experiments"), "10.9.0.1")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .content(submission("rate-a9")))
        .andExpect(status().isTooManyRequests())
        .andExpect(header().exists("Retry-After"))
        .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/rate-limited"));
    assertThat(experiments()).isEqualTo(before);
    // guessing tokens from that address is slowed too: the login counts as a change
    mvc.perform(
            from(post("/api/v1/session"), "10.9.0.1")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"token\": \"guess\"}"))
        .andExpect(status().isTooManyRequests());
    // reads have their own budget; another address its own
    mvc.perform(
            from(get("/api/v1/experiments"), "10.9.0.1").header("Authorization", "Bearer " + token))
        .andExpect(status().isOk());
    mvc.perform(
            from(post("/api/v1/experiments"), "10.9.0.2")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .content(submission("rate-b0")))
        .andExpect(status().isCreated());
    // the probes are never limited
    mvc.perform(from(get("/actuator/health/liveness"), "10.9.0.1")).andExpect(status().isOk());
  }

  @Test
  @DisplayName("a principal gets its budget of changes across addresses, then 429")
  void perPrincipal() throws Exception {
    String token =
        tokens.create("rate-p", List.of("platform-engineer"), List.of("*"), null, "test").secret();
    for (int i = 0; i < 5; i++) {
      mvc.perform(
              from(post("/api/v1/experiments"), "10.8.0." + (i + 1))
                  .header("Authorization", "Bearer " + token)
                  .contentType(MediaType.APPLICATION_JSON)
                  .content(submission("rate-p" + i)))
          .andExpect(status().isCreated());
    }
    long before = experiments();
    mvc.perform(
            from(post("/api/v1/experiments"), "10.8.0.99")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .content(submission("rate-p9")))
        .andExpect(status().isTooManyRequests())
        .andExpect(jsonPath("$.detail").value(Matchers.containsString("principal")));
    assertThat(experiments()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "a bucket refills evenly over a minute and holds a minute's worth; idle keys beyond the cap are forgotten")
  void buckets() {
    MovableClock clock = new MovableClock(Instant.EPOCH);
    TokenBuckets buckets = new TokenBuckets(60, 2, clock);
    for (int i = 0; i < 60; i++) {
      assertThat(buckets.take("a")).isZero();
    }
    assertThat(buckets.take("a")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(buckets.take("a")).isZero();
    assertThat(buckets.take("a")).isEqualTo(1);
    buckets.take("b");
    buckets.take("c");
    assertThat(buckets.size()).isEqualTo(2);
  }
}
