package dev.aegis.orchestrator.security;

import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** API tokens, for the admin role: make (the token is in this one response), list, show, revoke. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokensController {

  /** {@code ttl} is ISO-8601 ({@code P30D}); default {@code aegis.security.tokens.default-ttl}. */
  record CreateRequest(String name, List<String> roles, List<String> namespaces, String ttl) {}

  private final ApiTokens tokens;
  private final Access access;

  TokensController(ApiTokens tokens, Access access) {
    this.tokens = tokens;
    this.access = access;
  }

  @PostMapping
  ResponseEntity<ApiTokens.Issued> create(@RequestBody(required = false) CreateRequest body) {
    if (body == null) {
      throw new InvalidSubmissionException(
          "", "a JSON body is required: name, roles, namespaces, optional ttl");
    }
    Duration ttl = null;
    if (body.ttl() != null) {
      try {
        ttl = Duration.parse(body.ttl());
      } catch (DateTimeParseException e) {
        throw new InvalidSubmissionException(
            "ttl", "ttl must be an ISO-8601 duration such as P30D, was '" + body.ttl() + "'");
      }
    }
    ApiTokens.Issued issued =
        tokens.create(body.name(), body.roles(), body.namespaces(), ttl, access.actor());
    return ResponseEntity.created(URI.create("/api/v1/tokens/" + issued.token().id())).body(issued);
  }

  @GetMapping
  List<ApiTokens.TokenView> list(
      @RequestParam(defaultValue = "false") boolean includeInactive,
      @RequestParam(defaultValue = "100") int limit) {
    return tokens.list(includeInactive, Math.min(Math.max(limit, 1), 1000));
  }

  @GetMapping("/{id}")
  ResponseEntity<?> get(@PathVariable String id) {
    return tokens.find(id).<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> notFound(id));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<?> revoke(@PathVariable String id) {
    return tokens
        .revoke(id, access.actor())
        .<ResponseEntity<?>>map(ResponseEntity::ok)
        .orElseGet(() -> notFound(id));
  }

  private static ResponseEntity<?> notFound(String id) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(
            Problems.of(
                HttpStatus.NOT_FOUND,
                "not-found",
                "No such token",
                "no API token has id '" + id + "'"));
  }
}
