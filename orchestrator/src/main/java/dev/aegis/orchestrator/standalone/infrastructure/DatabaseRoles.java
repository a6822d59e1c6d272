package dev.aegis.orchestrator.standalone.infrastructure;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The two database roles Aegis is meant to run with (docs/database.md).
 *
 * <ul>
 *   <li>The <b>owner</b> owns the schema and runs the Flyway migrations. Only it can change the
 *       schema or drop the append-only triggers.
 *   <li>The <b>application</b> role is what the running orchestrator connects as. After every
 *       migration, {@code db/migration/afterMigrate__grants.sql} grants it read and write on the
 *       working tables, and only SELECT and INSERT on the history ({@code audit_log}, {@code
 *       transitions}, {@code experiments_archive}); on {@code rca_records} it may update the three
 *       release columns and nothing else.
 * </ul>
 *
 * <p>The migrations learn the application role's name from the Flyway placeholder {@value
 * #APP_ROLE_PLACEHOLDER}. When it is empty or names the migrating user itself (no separate
 * migration user configured), the grants are skipped: the application then owns the schema and the
 * least-privilege guarantees do not hold.
 */
public final class DatabaseRoles {

  /** The owner role of embedded databases (standalone and tests). */
  public static final String EMBEDDED_OWNER = "aegis_owner";

  /** The application role of embedded databases (standalone and tests). */
  public static final String EMBEDDED_APP = "aegis_app";

  /** The Flyway placeholder holding the application role's name. */
  public static final String APP_ROLE_PLACEHOLDER = "aegis_app_role";

  // Role names reach SQL text through a placeholder inside a string literal; format('%I') quotes
  // them
  // as identifiers there, so only the literal itself needs protecting.
  private static final Pattern SAFE_ROLE = Pattern.compile("[^'\\\\\\x00]{1,63}");

  /** Creates the embedded roles unless they exist; run as the superuser. */
  static final String CREATE_EMBEDDED_ROLES =
      """
      DO $$
      BEGIN
        -- Roles belong to the whole server; two databases may be prepared at once.
        BEGIN
          CREATE ROLE %1$s LOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
        BEGIN
          CREATE ROLE %2$s LOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
      END $$"""
          .formatted(EMBEDDED_OWNER, EMBEDDED_APP);

  /**
   * Hands the superuser's objects in the public schema to the owner role and takes the right to
   * create objects there from everyone else; run as the superuser inside the database. Before the
   * roles existed the standalone database was created and migrated as the superuser.
   */
  static final String ADOPT_SUPERUSER_OBJECTS =
      """
      DO $$
      DECLARE
        item record;
      BEGIN
        FOR item IN SELECT c.oid::regclass AS name FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND c.relowner = 'postgres'::regrole LOOP
          EXECUTE format('ALTER TABLE %%s OWNER TO %1$s', item.name);
        END LOOP;
        -- Sequences owned by a column moved with their table; these are the free-standing ones.
        FOR item IN SELECT c.oid::regclass AS name FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner = 'postgres'::regrole LOOP
          EXECUTE format('ALTER SEQUENCE %%s OWNER TO %1$s', item.name);
        END LOOP;
        FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.proowner = 'postgres'::regrole LOOP
          EXECUTE format('ALTER FUNCTION %%s OWNER TO %1$s', item.name);
        END LOOP;
        IF (SELECT nspowner FROM pg_namespace WHERE nspname = 'public') = 'postgres'::regrole THEN
          ALTER SCHEMA public OWNER TO %1$s;
        END IF;
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      END $$"""
          .formatted(EMBEDDED_OWNER);

  private DatabaseRoles() {}

  /**
   * Adds the application role placeholder to a Flyway configuration, keeping its other
   * placeholders.
   *
   * @param appRole the role the application connects as; null or blank when unknown (the driver's
   *     default user), which skips the grants
   * @throws IllegalArgumentException if the name cannot be a role name
   */
  public static FluentConfiguration withAppRole(FluentConfiguration flyway, String appRole) {
    String role = appRole == null ? "" : appRole.trim();
    if (!role.isEmpty() && !SAFE_ROLE.matcher(role).matches()) {
      throw new IllegalArgumentException("not a usable database role name for the application");
    }
    Map<String, String> placeholders = new HashMap<>(flyway.getPlaceholders());
    placeholders.put(APP_ROLE_PLACEHOLDER, role);
    return flyway.placeholders(placeholders);
  }
}
