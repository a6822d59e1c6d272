package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * API tokens as stored: a digest, never the token; roles and namespaces as comma-separated lists.
 */
public final class ApiTokenRepository {

  /** One token's row. {@code roles} and {@code namespaces} are comma-separated. */
  public record StoredToken(
      String id,
      String name,
      String roles,
      String namespaces,
      Instant createdAt,
      String createdBy,
      Instant expiresAt,
      Instant revokedAt,
      String revokedBy,
      Instant lastUsedAt) {}

  private static final String COLUMNS =
      "id, name, roles, namespaces, created_at, created_by, expires_at, revoked_at, revoked_by, last_used_at";

  private static final RowMapper<StoredToken> MAPPER =
      (rs, ctx) ->
          new StoredToken(
              rs.getString("id"),
              rs.getString("name"),
              rs.getString("roles"),
              rs.getString("namespaces"),
              instant(rs, "created_at"),
              rs.getString("created_by"),
              instant(rs, "expires_at"),
              instant(rs, "revoked_at"),
              rs.getString("revoked_by"),
              instant(rs, "last_used_at"));

  public void insert(Tx h, StoredToken t, byte[] digest) {
    h.createUpdate(
            "INSERT INTO api_tokens (id, name, digest, roles, namespaces, created_at, created_by, expires_at) "
                + "VALUES (:id, :name, :digest, :roles, :namespaces, :createdAt, :createdBy, :expiresAt)")
        .bind("id", t.id())
        .bind("name", t.name())
        .bind("digest", digest)
        .bind("roles", t.roles())
        .bind("namespaces", t.namespaces())
        .bind("createdAt", ts(t.createdAt()))
        .bind("createdBy", t.createdBy())
        .bind("expiresAt", ts(t.expiresAt()))
        .execute();
  }

  /** The token with this digest, whatever its state (the caller checks expiry and revocation). */
  public Optional<StoredToken> findByDigest(Tx h, byte[] digest) {
    return h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE digest = :digest")
        .bind("digest", digest)
        .map(MAPPER)
        .findOne();
  }

  public Optional<StoredToken> find(Tx h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE id = :id")
        .bind("id", id)
        .map(MAPPER)
        .findOne();
  }

  public List<StoredToken> list(Tx h, boolean includeInactive, Instant now, int limit) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM api_tokens"
                + (includeInactive ? "" : " WHERE revoked_at IS NULL AND expires_at > :now")
                + " ORDER BY created_at DESC, id LIMIT :limit")
        .bind("now", ts(now))
        .bind("limit", limit)
        .map(MAPPER)
        .list();
  }

  /** Revokes an active token; false when there is none with this id or it was revoked already. */
  public boolean revoke(Tx h, String id, String by, Instant now) {
    return h.createUpdate(
                "UPDATE api_tokens SET revoked_at = :now, revoked_by = :by "
                    + "WHERE id = :id AND revoked_at IS NULL")
            .bind("id", id)
            .bind("by", by)
            .bind("now", ts(now))
            .execute()
        == 1;
  }

  /** Notes a use, at most once a minute per token, so authentication is not a write per request. */
  public void touch(Tx h, String id, Instant now) {
    h.createUpdate(
            "UPDATE api_tokens SET last_used_at = :now WHERE id = :id "
                + "AND (last_used_at IS NULL OR last_used_at < CAST(:now AS timestamptz) - interval '1 minute')")
        .bind("id", id)
        .bind("now", ts(now))
        .execute();
  }
}
