package dev.aegis.orchestrator.security;

import dev.aegis.orchestrator.api.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/** 400, 401 and 403 from the filter chain, as problem+json like every other error of the API. */
final class ProblemResponses
    implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

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
