package dev.aegis.orchestrator.security;

import dev.aegis.orchestrator.persistence.NamespaceScope;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The principal of the current request and the checks that need data the URL rules cannot see:
 * namespaces and ownership. The role rules of {@link AccessRules} have already passed when a
 * controller asks.
 */
@Component
public class Access {

  /** A refusal after authentication: the principal may not act on this object. */
  public static final class Denied extends RuntimeException {
    private final String code;

    Denied(String code, String message) {
      super(message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** The authenticated principal; the filter chain guarantees one on every non-open endpoint. */
  public AegisPrincipal principal() {
    Authentication a = SecurityContextHolder.getContext().getAuthentication();
    if (a instanceof AegisAuthentication aegis) {
      return aegis.getPrincipal();
    }
    if (a == null || !a.isAuthenticated() || a instanceof AnonymousAuthenticationToken) {
      throw new Denied("unauthenticated", "no principal");
    }
    // Any other authentication (a test's mock user): its roles, in no namespace until it is an
    // Aegis principal.
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Collection<? extends GrantedAuthority> authorities = a.getAuthorities();
    for (GrantedAuthority g : authorities) {
      String name =
          g.getAuthority().startsWith("ROLE_") ? g.getAuthority().substring(5) : g.getAuthority();
      Role.parse(name).ifPresent(roles::add);
    }
    return new AegisPrincipal(a.getName(), roles, Set.of(), "other");
  }

  /** The actor to record: always the authenticated principal, never a header the client chose. */
  public String actor() {
    return principal().name();
  }

  public boolean mayRead(String namespace) {
    return principal().inNamespace(namespace);
  }

  /** The namespaces the principal may read, for list queries to apply before their limit. */
  public NamespaceScope readable() {
    AegisPrincipal p = principal();
    return p.allNamespaces() ? NamespaceScope.ALL : NamespaceScope.only(p.namespaces());
  }

  /** Refuses unless the principal's roles apply in {@code namespace}. */
  public void requireNamespace(String namespace) {
    AegisPrincipal p = principal();
    if (!p.inNamespace(namespace)) {
      throw new Denied(
          "forbidden-namespace",
          "principal '"
              + p.name()
              + "' may not act in namespace '"
              + namespace
              + "'; its namespaces are "
              + p.namespaces().stream().collect(Collectors.joining(", ", "[", "]")));
    }
  }

  /**
   * Refuses unless the principal sees every namespace (cross-namespace views: audit, dead letters,
   * the stream).
   */
  public void requireAllNamespaces(String what) {
    AegisPrincipal p = principal();
    if (!p.allNamespaces()) {
      throw new Denied(
          "forbidden-namespace",
          what
              + " spans every namespace; principal '"
              + p.name()
              + "' is limited to "
              + p.namespaces());
    }
  }

  /**
   * Refuses a lifecycle command on someone else's experiment unless the principal is an SRE: a
   * platform-engineer pauses, resumes and aborts only what it submitted.
   */
  public void requireOwnerOrSre(String submittedBy, String experimentId) {
    AegisPrincipal p = principal();
    if (!p.has(Role.SRE) && !p.name().equals(submittedBy)) {
      throw new Denied(
          "not-owner",
          "experiment "
              + experimentId
              + " was submitted by '"
              + submittedBy
              + "'; a platform-engineer may command only its own experiments (an SRE may command any)");
    }
  }
}
