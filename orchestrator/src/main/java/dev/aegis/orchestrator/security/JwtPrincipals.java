package dev.aegis.orchestrator.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Maps a verified JWT to a principal: its name from {@code aegis.security.jwt.name-claim} (else
 * {@code sub}), its roles from the roles claim (unknown names are ignored), its namespaces from the
 * namespaces claim.
 */
final class JwtPrincipals implements Converter<Jwt, AbstractAuthenticationToken> {

  private final AegisSecurityProperties.Jwt claims;

  JwtPrincipals(AegisSecurityProperties.Jwt claims) {
    this.claims = claims;
  }

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    return new AegisAuthentication(principal(jwt.getClaims(), jwt.getSubject(), "jwt"));
  }

  /** The principal the claims of a verified token (a JWT, an OIDC ID token) describe. */
  AegisPrincipal principal(Map<String, Object> all, String subject, String via) {
    Object named = claim(all, claims.nameClaim());
    String name = named instanceof String s && !s.isBlank() ? s : subject;
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String r : strings(claim(all, claims.rolesClaim()))) {
      Role.parse(r).ifPresent(roles::add);
    }
    List<String> ns = strings(claim(all, claims.namespacesClaim()));
    Set<String> namespaces = new LinkedHashSet<>(ns.isEmpty() ? claims.defaultNamespaces() : ns);
    return new AegisPrincipal(name == null ? via : name, roles, namespaces, via);
  }

  /** The claim at a dotted path ({@code realm_access.roles}), or null. */
  static Object claim(Map<String, Object> all, String path) {
    Object at = all;
    for (String part : path.split("\\.")) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(part);
    }
    return at;
  }

  static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof Collection<?> c) {
      c.forEach(v -> out.add(String.valueOf(v).trim()));
    } else if (value instanceof String s) {
      for (String part : s.split("[,\\s]+")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }
}
