package dev.aegis.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Standalone without AEGIS_API_TOKEN: a dev token is made at start and accepted from loopback only.
 */
@AegisComponentTest(properties = "aegis.api.auth=token")
@AutoConfigureMockMvc
class DevTokenIT {

  @Autowired MockMvc mvc;
  @Autowired StaticTokens statics;

  @Test
  @DisplayName(
      "the dev token works from 127.0.0.1 and ::1, and is refused (401) from any other address")
  void loopbackOnly() throws Exception {
    String dev = statics.devToken();
    assertThat(dev).startsWith("dev-");
    for (String local : new String[] {"127.0.0.1", "0:0:0:0:0:0:0:1"}) {
      mvc.perform(
              get("/api/v1/experiments")
                  .header("Authorization", "Bearer " + dev)
                  .with(
                      r -> {
                        r.setRemoteAddr(local);
                        return r;
                      }))
          .andExpect(status().isOk());
    }
    for (String remote : new String[] {"10.0.0.7", "192.168.1.20", "fe80::1"}) {
      mvc.perform(
              get("/api/v1/experiments")
                  .header("Authorization", "Bearer " + dev)
                  .with(
                      r -> {
                        r.setRemoteAddr(remote);
                        return r;
                      }))
          .andExpect(status().isUnauthorized())
          .andExpect(jsonPath("$.detail").value(Matchers.containsString("loopback")));
    }
    mvc.perform(get("/api/v1/experiments")).andExpect(status().isUnauthorized());
  }

  @Test
  @DisplayName(
      "no dev token is made when a bootstrap token or a JWT issuer is configured, or auth is none")
  void whenThereIsNoDevToken() {
    assertThat(
            new StaticTokens("configured-bootstrap-token-0123456789abcdef", "token", false)
                .devToken())
        .isNull();
    assertThat(new StaticTokens("", "token", true).devToken()).isNull();
    assertThat(new StaticTokens("", "none", false).devToken()).isNull();
    assertThat(new StaticTokens("", "token", false).devToken()).isNotNull();
    StaticTokens configured =
        new StaticTokens("configured-bootstrap-token-0123456789abcdef", "token", false);
    assertThat(configured.match("configured-bootstrap-token-0123456789abcdef", "10.1.1.1"))
        .as("the bootstrap token is a real secret, valid from anywhere")
        .isEqualTo(StaticTokens.Match.BOOTSTRAP);
    assertThat(configured.match("configured-bootstrap-token-0123456789abcdeF", "127.0.0.1"))
        .isEqualTo(StaticTokens.Match.NONE);
  }

  @Test
  @DisplayName(
      "aegis.api.auth=none lets in loopback clients only; a remote client still has no principal")
  void authNoneIsLoopbackOnly() throws Exception {
    LocalAccessFilter filter = new LocalAccessFilter();
    for (String[] c :
        new String[][] {{"127.0.0.1", "local"}, {"10.0.0.7", null}, {"::1", "local"}}) {
      SecurityContextHolder.clearContext();
      MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/experiments");
      request.setRemoteAddr(c[0]);
      filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
      var a = SecurityContextHolder.getContext().getAuthentication();
      assertThat(a == null ? null : a.getName()).as(c[0]).isEqualTo(c[1]);
    }
    SecurityContextHolder.clearContext();
  }
}
