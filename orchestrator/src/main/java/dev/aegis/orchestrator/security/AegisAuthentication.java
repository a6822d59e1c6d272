package dev.aegis.orchestrator.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated {@link AegisPrincipal}; its authorities are its roles, plus VIEWER when it has
 * any.
 */
public final class AegisAuthentication extends AbstractAuthenticationToken {

  private final AegisPrincipal principal;

  public AegisAuthentication(AegisPrincipal principal) {
    super(authorities(principal));
    this.principal = principal;
    setAuthenticated(true);
  }

  private static List<GrantedAuthority> authorities(AegisPrincipal p) {
    List<GrantedAuthority> out = new ArrayList<>();
    for (Role role : Role.values()) {
      if (p.has(role)) {
        out.add(new SimpleGrantedAuthority(role.authority()));
      }
    }
    return out;
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public AegisPrincipal getPrincipal() {
    return principal;
  }

  @Override
  public String getName() {
    return principal.name();
  }
}
