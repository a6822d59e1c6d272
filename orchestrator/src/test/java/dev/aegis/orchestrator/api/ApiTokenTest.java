package dev.aegis.orchestrator.api;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** Changes need the bearer token; reads do not. */
@AegisComponentTest(properties = {"aegis.api.auth=token", "aegis.api.token=s3cret-token"})
@AutoConfigureMockMvc
class ApiTokenTest {

  private static final String BODY = """
      {"service": "guarded", "namespace": "shop", "candidate": {"version": "v2", "image": "registry.local/guarded:v2"}}
      """;

  @Autowired MockMvc mvc;

  @Test
  @DisplayName("a change without the token, or with a wrong one, is 401 with a problem; with it, it goes through; reads are open")
  void changesNeedTheToken() throws Exception {
    mvc.perform(post("/api/v1/experiments").contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", containsString("Bearer")))
        .andExpect(jsonPath("$.type").value(containsString("unauthorized")))
        .andExpect(jsonPath("$.detail").value(containsString("Authorization: Bearer")));
    mvc.perform(post("/api/v1/experiments").contentType(MediaType.APPLICATION_JSON).content(BODY)
            .header("Authorization", "Bearer guess"))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.detail").value(containsString("not the one")));
    mvc.perform(post("/api/v1/services/guarded/rollback").contentType(MediaType.APPLICATION_JSON)
            .content("{\"reason\": \"x\"}"))
        .andExpect(status().isUnauthorized());

    mvc.perform(get("/api/v1/experiments")).andExpect(status().isOk());
    mvc.perform(post("/api/v1/experiments").contentType(MediaType.APPLICATION_JSON).content(BODY)
            .header("Authorization", "Bearer s3cret-token"))
        .andExpect(status().isCreated());
  }
}
