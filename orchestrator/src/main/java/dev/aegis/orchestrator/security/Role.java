package dev.aegis.orchestrator.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a principal may do (docs/security.md has the matrix). Every role may read; the others add
 * changes. Roles are scoped by the principal's namespaces.
 */
public enum Role {
  /** Reads: experiments, services, quarantine, audit, the live stream. */
  VIEWER("viewer"),
  /** Submits experiments; pauses, resumes and aborts its own, in its namespaces. */
  PLATFORM_ENGINEER("platform-engineer"),
  /** Every lifecycle command, dead-letter replay, quarantine release, production overrides. */
  SRE("sre"),
  /** Faults within the blast-radius rules. */
  CHAOS_ENGINEER("chaos-engineer"),
  /** API tokens: create, list, revoke. */
  ADMIN("admin");

  private final String external;

  Role(String external) {
    this.external = external;
  }

  /** The name in tokens, JWT claims, the API and the docs, e.g. {@code platform-engineer}. */
  public String external() {
    return external;
  }

  /** The Spring Security authority, e.g. {@code ROLE_PLATFORM_ENGINEER}. */
  public String authority() {
    return "ROLE_" + name();
  }

  /** The role named {@code text} (external name, case-insensitive, '_' or '-'), if any. */
  public static Optional<Role> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String normal = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return Arrays.stream(values()).filter(r -> r.external.equals(normal)).findFirst();
  }
}
