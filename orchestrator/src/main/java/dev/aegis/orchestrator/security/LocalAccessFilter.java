package dev.aegis.orchestrator.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code aegis.api.auth=none}: a loopback client that presents nothing is the principal {@code
 * local}, with every role. Remote clients still need a token. Production refuses to start with this
 * mode.
 */
final class LocalAccessFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (SecurityContextHolder.getContext().getAuthentication() == null
        && request.getHeader("Authorization") == null
        && Loopback.is(request.getRemoteAddr())) {
      SecurityContextHolder.getContext()
          .setAuthentication(new AegisAuthentication(AegisPrincipal.superuser("local", "local")));
    }
    chain.doFilter(request, response);
  }
}
