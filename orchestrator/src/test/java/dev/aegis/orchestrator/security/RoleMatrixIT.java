package dev.aegis.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.autoconfigure.web.servlet.MockMvcPrint;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every endpoint × every role, allowed and denied, through real bearer tokens (one API token per
 * role, every namespace): a denied call is 403, an allowed one is anything but 401/403 (a 404 for a
 * made-up id is fine: the call got past authorization). Without a token everything but the probes
 * and the login is 401. Every handler the application maps has a rule, and docs/security.md shows
 * the matrix this test checks.
 */
@AegisComponentTest(
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-the-role-matrix-0123456789"
    })
// No printing of results: an open live stream's response is still being written by the stream's own
// thread,
// and printing its headers meanwhile races with that writer.
@AutoConfigureMockMvc(print = MockMvcPrint.NONE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoleMatrixIT {

  @Autowired MockMvc mvc;
  @Autowired ApiTokens tokens;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  private final Map<Role, String> tokenOf = new EnumMap<>(Role.class);

  @BeforeAll
  void oneTokenPerRole() {
    for (Role role : Role.values()) {
      tokenOf.put(
          role,
          tokens
              .create(
                  "matrix-" + role.external(), List.of(role.external()), List.of("*"), null, "test")
              .secret());
    }
  }

  static String concrete(String path) {
    return path.replace("{id}", "0")
        .replace("{name}", "no-such-service")
        .replace("{namespace}", "no-such-namespace")
        .replace("{action}", "launch")
        .replace("{registration}", "none");
  }

  private int call(AccessRules.Rule rule, String token) throws Exception {
    var builder =
        request(rule.method(), concrete(rule.path())).contentType(MediaType.APPLICATION_JSON);
    if (rule.method() != HttpMethod.GET) {
      builder.content("{}");
    }
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return mvc.perform(builder).andReturn().getResponse().getStatus();
  }

  static boolean allows(AccessRules.Rule rule, Role role) {
    return rule.open()
        || rule.roles().isEmpty()
        || rule.roles().stream().anyMatch(r -> principalOf(role).has(r));
  }

  private static AegisPrincipal principalOf(Role role) {
    return new AegisPrincipal("x", Set.of(role), Set.of("*"), "test");
  }

  @Test
  @DisplayName(
      "each role is allowed exactly the endpoints the rules give it and refused (403) the others")
  void everyEndpointTimesEveryRole() throws Exception {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (AccessRules.Rule rule : AccessRules.RULES) {
      for (Role role : Role.values()) {
        int status = call(rule, tokenOf.get(role));
        boolean allowed = allows(rule, role);
        checked++;
        if (allowed ? status == 401 || status == 403 : status != 403) {
          wrong.add(
              rule.method()
                  + " "
                  + rule.path()
                  + " as "
                  + role.external()
                  + ": "
                  + status
                  + " (expected "
                  + (allowed ? "allowed" : "403")
                  + ")");
        }
      }
    }
    assertThat(checked).isGreaterThan(150);
    assertThat(wrong).isEmpty();
  }

  @Test
  @DisplayName("without a principal every endpoint but the probes and the login is 401")
  void nothingAnonymous() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (AccessRules.Rule rule : AccessRules.RULES) {
      int status = call(rule, null);
      if (rule.open() ? status == 401 || status == 403 : status != 401) {
        wrong.add(rule.method() + " " + rule.path() + ": " + status);
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(
            mvc.perform(request(HttpMethod.GET, "/actuator/env"))
                .andReturn()
                .getResponse()
                .getStatus())
        .as("an endpoint no rule names is denied")
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "every endpoint the application maps has an access rule (a new endpoint cannot go unlisted)")
  void everyMappedEndpointHasARule() {
    Set<String> ruled = new TreeSet<>();
    AccessRules.RULES.forEach(r -> ruled.add(r.method() + " " + r.path()));
    Set<String> unruled = new TreeSet<>();
    for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
      Set<String> paths =
          info.getPathPatternsCondition() == null
              ? info.getPatternValues()
              : info.getPathPatternsCondition().getPatternValues();
      for (String path : paths) {
        if (path.equals("/error")) {
          continue; // Boot's error page: reached only by an error dispatch
        }
        var methods = info.getMethodsCondition().getMethods();
        for (var m : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
          String key = m.name() + " " + path;
          if (!ruled.contains(key)) {
            unruled.add(key);
          }
        }
      }
    }
    assertThat(unruled).isEmpty();
  }

  @Test
  @DisplayName("docs/security.md carries the role matrix as the rules define it")
  void matrixIsDocumented() throws Exception {
    Path doc = Path.of("..", "docs", "security.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    assertThat(text)
        .as("regenerate the table from AccessRulesMarkdown.render()")
        .contains(AccessRulesMarkdown.render());
  }
}
