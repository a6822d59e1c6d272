package dev.aegis.orchestrator.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring's strict firewall (no {@code ;}, {@code //}, {@code %2e}, {@code %2f}, {@code %25},
 * backslashes, dot segments or control characters), and on top of it no percent-encoding at all in
 * the path: no Aegis path needs one (ids, names and namespaces are plain), so {@code /%61pi/v1/...}
 * is refused rather than decoded into a path that a matcher and a handler might read differently.
 */
final class PathFirewall extends StrictHttpFirewall {

  @Override
  public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
    String uri = request.getRequestURI();
    if (uri != null) {
      for (int i = 0; i < uri.length(); i++) {
        char c = uri.charAt(i);
        if (c == '%' || c > 0x7e || c < 0x21) {
          throw new RequestRejectedException("the path contains an encoded or non-ASCII character");
        }
      }
    }
    return super.getFirewalledRequest(request);
  }
}
