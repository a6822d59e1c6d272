package dev.aegis.orchestrator.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Changes under {@code /api/v1} (anything but GET, HEAD and OPTIONS) need {@code Authorization: Bearer
 * <token>} (see {@link ApiToken}); reads stay open for dashboards and monitors. A missing or wrong token
 * gets 401 with a problem document, before the body is read.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ApiTokenFilter extends OncePerRequestFilter {

  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
  private static final String BEARER = "Bearer ";

  private final ApiToken token;

  ApiTokenFilter(ApiToken token) {
    this.token = token;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !token.required() || READS.contains(request.getMethod())
        || !request.getRequestURI().startsWith("/api/v1/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    String presented = header != null && header.startsWith(BEARER) ? header.substring(BEARER.length()).trim() : null;
    if (token.accepts(presented)) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(401);
    response.setHeader("WWW-Authenticate", "Bearer realm=\"aegis\"");
    response.setContentType("application/problem+json");
    response.getWriter().write("{\"type\":\"" + Problems.BASE + "unauthorized\",\"title\":\"Token required\","
        + "\"status\":401,\"detail\":\"" + (presented == null ? "changes need an Authorization: Bearer token"
            : "the bearer token is not the one this Aegis accepts")
        + " (AEGIS_API_TOKEN, or the dev token printed at start)\"}");
  }
}
