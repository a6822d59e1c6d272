package dev.aegis.orchestrator.security;

import java.security.Principal;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is asking: a name (the actor in the audit log), its roles and the namespaces they apply in
 * ({@code *} = all), and how it was authenticated.
 *
 * @param name the actor recorded for everything this principal does
 * @param roles its roles; reading is implied by any of them
 * @param namespaces where its roles apply; {@link #ALL_NAMESPACES} for everywhere
 * @param via how it authenticated: {@code api-token}, {@code jwt}, {@code bootstrap-token}, {@code
 *     dev-token}, {@code local}
 */
public record AegisPrincipal(String name, Set<Role> roles, Set<String> namespaces, String via)
    implements Principal {

  public static final String ALL_NAMESPACES = "*";

  public AegisPrincipal {
    roles =
        roles.isEmpty()
            ? Collections.unmodifiableSet(EnumSet.noneOf(Role.class))
            : Collections.unmodifiableSet(EnumSet.copyOf(roles));
    namespaces = Collections.unmodifiableSet(new TreeSet<>(namespaces));
  }

  /** A principal with every role in every namespace (the bootstrap and dev tokens). */
  public static AegisPrincipal superuser(String name, String via) {
    return new AegisPrincipal(name, EnumSet.allOf(Role.class), Set.of(ALL_NAMESPACES), via);
  }

  @Override
  public String getName() {
    return name;
  }

  public boolean has(Role role) {
    return role == Role.VIEWER ? !roles.isEmpty() : roles.contains(role);
  }

  public boolean allNamespaces() {
    return namespaces.contains(ALL_NAMESPACES);
  }

  /** Whether this principal's roles apply in {@code namespace}. */
  public boolean inNamespace(String namespace) {
    return allNamespaces() || namespaces.contains(namespace);
  }
}
