package dev.aegis.orchestrator.security;

import dev.aegis.orchestrator.application.InvalidSubmissionException;
import dev.aegis.orchestrator.persistence.ApiTokenRepository;
import dev.aegis.orchestrator.persistence.ApiTokenRepository.StoredToken;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * API tokens for automation: {@code aegis_<id>_<secret>}, 256 random bits of secret. Only the
 * SHA-256 digest is stored (a fast digest is enough for a secret of that entropy; nothing here is a
 * password), and the token is shown once, when it is made. Each token is scoped to roles and
 * namespaces, expires, and can be revoked; making and revoking are audited.
 */
public class ApiTokens {

  public static final String PREFIX = "aegis_";
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}";
  private static final String NAMESPACE = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  /** A token as the API shows it: everything but the secret. */
  public record TokenView(
      String id,
      String name,
      List<String> roles,
      List<String> namespaces,
      Instant createdAt,
      String createdBy,
      Instant expiresAt,
      Instant revokedAt,
      String revokedBy,
      Instant lastUsedAt,
      String status) {}

  /** A token just made: its view and, this once, the token itself. */
  public record Issued(TokenView token, String secret) {}

  /** Why a presented token was not accepted. */
  public enum Rejection {
    UNKNOWN,
    EXPIRED,
    REVOKED
  }

  /** The outcome of presenting a token: a principal, or why not. */
  public record Presented(Optional<AegisPrincipal> principal, Rejection rejection) {}

  private final Transactions transactions;
  private final ApiTokenRepository repository;
  private final AuditRepository audit;
  private final Clock clock;
  private final AegisSecurityProperties.Tokens limits;
  private final SecureRandom random = new SecureRandom();

  public ApiTokens(
      Transactions transactions,
      ApiTokenRepository repository,
      AuditRepository audit,
      Clock clock,
      AegisSecurityProperties.Tokens limits) {
    this.transactions = transactions;
    this.repository = repository;
    this.audit = audit;
    this.clock = clock;
    this.limits = limits;
  }

  /** Whether {@code token} has the shape of an Aegis API token (and so is never tried as a JWT). */
  public static boolean looksLikeApiToken(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  /**
   * Makes a token.
   *
   * @throws InvalidSubmissionException naming the field at fault
   */
  public Issued create(
      String name, List<String> roles, List<String> namespaces, Duration ttl, String createdBy) {
    if (name == null || !name.matches(NAME)) {
      throw new InvalidSubmissionException(
          "name", "name must be 1-128 characters of letters, digits and . _ @ : -");
    }
    Set<Role> parsed = parseRoles(roles);
    Set<String> scopes = parseNamespaces(namespaces);
    Duration lifetime = ttl == null ? limits.defaultTtl() : ttl;
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(limits.maxTtl()) > 0) {
      throw new InvalidSubmissionException(
          "ttl",
          "ttl must be positive and at most "
              + limits.maxTtl()
              + " (aegis.security.tokens.max-ttl), was "
              + lifetime);
    }
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    byte[] idBytes = new byte[6];
    random.nextBytes(idBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret =
        PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    Instant now = clock.instant();
    StoredToken stored =
        new StoredToken(
            id,
            name,
            join(parsed.stream().map(Role::external).toList()),
            join(scopes),
            now,
            createdBy,
            now.plus(lifetime),
            null,
            null,
            null);
    transactions.useTransaction(
        h -> {
          repository.insert(h, stored, digest(secret));
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("name", name);
          detail.put("roles", stored.roles());
          detail.put("namespaces", stored.namespaces());
          detail.put("expiresAt", stored.expiresAt().toString());
          audit.record(h, createdBy, "token.create", id, detail, now);
        });
    return new Issued(view(stored, now), secret);
  }

  public List<TokenView> list(boolean includeInactive, int limit) {
    Instant now = clock.instant();
    return transactions.withHandle(h -> repository.list(h, includeInactive, now, limit)).stream()
        .map(t -> view(t, now))
        .toList();
  }

  public Optional<TokenView> find(String id) {
    Instant now = clock.instant();
    return transactions.withHandle(h -> repository.find(h, id)).map(t -> view(t, now));
  }

  /**
   * Revokes token {@code id}; empty when there is no such token, otherwise its view after the call.
   */
  public Optional<TokenView> revoke(String id, String by) {
    Instant now = clock.instant();
    return transactions.inTransaction(
        h -> {
          Optional<StoredToken> found = repository.find(h, id);
          if (found.isEmpty()) {
            return Optional.<TokenView>empty();
          }
          if (repository.revoke(h, id, by, now)) {
            audit.record(h, by, "token.revoke", id, Map.of("name", found.get().name()), now);
          }
          return repository.find(h, id).map(t -> view(t, now));
        });
  }

  /** The principal of a presented API token, or why it is not accepted. */
  public Presented authenticate(String presented) {
    if (!looksLikeApiToken(presented) || presented.length() > 256) {
      return new Presented(Optional.empty(), Rejection.UNKNOWN);
    }
    Instant now = clock.instant();
    return transactions.inTransaction(
        h -> {
          Optional<StoredToken> found = repository.findByDigest(h, digest(presented));
          if (found.isEmpty()) {
            return new Presented(Optional.empty(), Rejection.UNKNOWN);
          }
          StoredToken t = found.get();
          if (t.revokedAt() != null) {
            return new Presented(Optional.empty(), Rejection.REVOKED);
          }
          if (!t.expiresAt().isAfter(now)) {
            return new Presented(Optional.empty(), Rejection.EXPIRED);
          }
          if (t.lastUsedAt() == null || t.lastUsedAt().isBefore(now.minus(TOUCH_EVERY))) {
            repository.touch(h, t.id(), now); // a write at most once a minute, not one per request
          }
          Set<Role> roles = EnumSet.noneOf(Role.class);
          split(t.roles()).forEach(r -> Role.parse(r).ifPresent(roles::add));
          return new Presented(
              Optional.of(
                  new AegisPrincipal(
                      t.name(), roles, Set.copyOf(split(t.namespaces())), "api-token")),
              null);
        });
  }

  static Set<Role> parseRoles(List<String> roles) {
    if (roles == null || roles.isEmpty()) {
      throw new InvalidSubmissionException(
          "roles",
          "roles must name at least one of "
              + Arrays.stream(Role.values()).map(Role::external).toList());
    }
    Set<Role> parsed = EnumSet.noneOf(Role.class);
    for (String r : roles) {
      parsed.add(
          Role.parse(r)
              .orElseThrow(
                  () ->
                      new InvalidSubmissionException(
                          "roles",
                          "'"
                              + r
                              + "' is not a role; roles are "
                              + Arrays.stream(Role.values()).map(Role::external).toList())));
    }
    return parsed;
  }

  static Set<String> parseNamespaces(List<String> namespaces) {
    if (namespaces == null || namespaces.isEmpty()) {
      throw new InvalidSubmissionException(
          "namespaces", "namespaces must list at least one namespace, or '*' for all");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String ns : namespaces) {
      if (ns == null || !(ns.equals(AegisPrincipal.ALL_NAMESPACES) || ns.matches(NAMESPACE))) {
        throw new InvalidSubmissionException(
            "namespaces", "'" + ns + "' is not a namespace (a DNS-1123 label) or '*'");
      }
      out.add(ns);
    }
    return out;
  }

  private static TokenView view(StoredToken t, Instant now) {
    String status =
        t.revokedAt() != null ? "revoked" : t.expiresAt().isAfter(now) ? "active" : "expired";
    return new TokenView(
        t.id(),
        t.name(),
        split(t.roles()),
        split(t.namespaces()),
        t.createdAt(),
        t.createdBy(),
        t.expiresAt(),
        t.revokedAt(),
        t.revokedBy(),
        t.lastUsedAt(),
        status);
  }

  private static String join(Collection<String> values) {
    return String.join(",", values);
  }

  private static List<String> split(String csv) {
    return csv == null || csv.isBlank()
        ? List.of()
        : Arrays.stream(csv.split(",")).map(String::trim).toList();
  }

  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static String rolesText(Set<Role> roles) {
    return roles.stream().map(Role::external).collect(Collectors.joining(","));
  }
}
