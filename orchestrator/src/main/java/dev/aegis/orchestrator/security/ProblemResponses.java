package dev.aegis.orchestrator.security;

import dev.aegis.orchestrator.api.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * 400, 401, 403, 404 and 405 from the filter chain, as problem+json like every other error of the
 * API. A principal refused a path no rule names gets 404, and a method no rule allows on a path
 * gets 405 with {@code Allow}: "your roles do not allow" would send them looking for a role that
 * does not exist. Without a principal every refusal stays 401, so paths cannot be probed.
 */
final class ProblemResponses
    implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

  /** One path of the access rules (static files included) and a method allowed on it. */
  private record Endpoint(RequestMatcher path, HttpMethod method) {}

  private static final List<Endpoint> ENDPOINTS = endpoints();

  private static List<Endpoint> endpoints() {
    PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
    List<Endpoint> out = new ArrayList<>();
    for (AccessRules.Rule rule : AccessRules.RULES) {
      out.add(new Endpoint(paths.matcher(rule.path()), rule.method()));
    }
    for (String path : AccessRules.STATIC) {
      out.add(new Endpoint(paths.matcher(path), HttpMethod.GET));
    }
    return List.copyOf(out);
  }

  /** The methods the rules allow at {@code request}'s path: empty when no rule names it. */
  private static Set<String> methodsAt(HttpServletRequest request) {
    Set<String> methods = new TreeSet<>();
    for (Endpoint e : ENDPOINTS) {
      if (e.path().matches(request)) {
        methods.add(e.method().name());
      }
    }
    return methods;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String detail =
        e instanceof InvalidBearerTokenException
            ? "the bearer token is not valid: " + e.getMessage()
            : e.getClass().getSimpleName().equals("InsufficientAuthenticationException")
                ? "this needs a principal: Authorization: Bearer <API token, JWT or the dev token printed at start>, "
                    + "or a dashboard session"
                : e.getMessage();
    response.setHeader("WWW-Authenticate", "Bearer realm=\"aegis\"");
    Problems.write(response, 401, "unauthorized", "Authentication required", detail);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    if (e instanceof CsrfException) {
      Problems.write(
          response,
          403,
          "csrf",
          "CSRF token missing or wrong",
          "a change made with the dashboard's session cookie needs the X-CSRF-TOKEN header from GET /api/v1/session");
      return;
    }
    Set<String> methods = methodsAt(request);
    if (methods.isEmpty()) {
      Problems.write(
          response,
          404,
          "not-found",
          "No such endpoint",
          "no endpoint of the API is at this path (docs/security.md lists every endpoint)");
      return;
    }
    if (!methods.contains(request.getMethod())) {
      response.setHeader("Allow", String.join(", ", methods));
      Problems.write(
          response,
          405,
          "method-not-allowed",
          "Method not allowed",
          request.getMethod() + " is not allowed on this endpoint; allowed: " + methods);
      return;
    }
    Problems.write(
        response,
        403,
        "forbidden",
        "Forbidden",
        "your principal's roles do not allow "
            + request.getMethod()
            + " on this endpoint (docs/security.md has the role matrix)");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
      throws IOException {
    Problems.write(
        response,
        400,
        "rejected-path",
        "Request path rejected",
        "the path must be plain: no encoded characters, "
            + "path parameters (;), double slashes or dot segments");
  }
}
