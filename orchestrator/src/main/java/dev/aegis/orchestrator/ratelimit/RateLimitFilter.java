package dev.aegis.orchestrator.ratelimit;

import dev.aegis.orchestrator.api.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.time.Clock;
import java.util.Set;
import java.util.function.Function;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 429 with {@code Retry-After} and a problem document once a key (an address or a
 * principal) has spent its budget; the request goes no further, so it changes nothing. The health
 * probes are never limited.
 */
final class RateLimitFilter extends OncePerRequestFilter {

  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
  private static final Set<String> EXEMPT =
      Set.of("/actuator/health/liveness", "/actuator/health/readiness");

  private final String what;
  private final Function<HttpServletRequest, String> key;
  private final TokenBuckets reads;
  private final TokenBuckets changes;

  private RateLimitFilter(
      String what,
      Function<HttpServletRequest, String> key,
      RateLimitProperties.Budget budget,
      int maxKeys,
      Clock clock) {
    this.what = what;
    this.key = key;
    this.reads = new TokenBuckets(budget.readsPerMinute(), maxKeys, clock);
    this.changes = new TokenBuckets(budget.changesPerMinute(), maxKeys, clock);
  }

  /** Per client address: runs before authentication. */
  static RateLimitFilter perAddress(RateLimitProperties p, Clock clock) {
    return new RateLimitFilter(
        "client address", HttpServletRequest::getRemoteAddr, p.address(), p.maxKeys(), clock);
  }

  /**
   * Per authenticated principal: runs after authentication; requests without one are not counted
   * here.
   */
  static RateLimitFilter perPrincipal(RateLimitProperties p, Clock clock) {
    return new RateLimitFilter(
        "principal",
        r -> {
          Principal principal = r.getUserPrincipal();
          return principal == null ? null : principal.getName();
        },
        p.principal(),
        p.maxKeys(),
        clock);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return EXEMPT.contains(request.getRequestURI());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String k = key.apply(request);
    if (k != null) {
      boolean read = READS.contains(request.getMethod());
      long retryAfter = (read ? reads : changes).take(k);
      if (retryAfter > 0) {
        response.setHeader("Retry-After", Long.toString(retryAfter));
        Problems.write(
            response,
            429,
            "rate-limited",
            "Too many requests",
            "this "
                + what
                + " has spent its budget of "
                + (read ? "reads" : "changes")
                + " (aegis.limits.rate."
                + (what.startsWith("client") ? "address" : "principal")
                + "."
                + (read ? "reads" : "changes")
                + "-per-minute); retry in "
                + retryAfter
                + " s");
        return;
      }
    }
    chain.doFilter(request, response);
  }
}
