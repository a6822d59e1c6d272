package dev.aegis.orchestrator.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Refuses request bodies over 1 MiB with 413 and a problem document, before anything reads them. */
@Component
class BodySizeLimitFilter extends OncePerRequestFilter {
  static final long MAX_BYTES = 1_048_576;

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > MAX_BYTES) {
      response.setStatus(413);
      response.setContentType("application/problem+json");
      response.getWriter().write("{\"type\":\"" + Problems.BASE + "body-too-large\",\"title\":\"Request body too large\","
          + "\"status\":413,\"detail\":\"the body has " + request.getContentLengthLong() + " bytes; at most "
          + MAX_BYTES + " are accepted\"}");
      return;
    }
    chain.doFilter(request, response);
  }
}
