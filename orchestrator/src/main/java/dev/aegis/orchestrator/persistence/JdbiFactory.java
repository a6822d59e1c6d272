package dev.aegis.orchestrator.persistence;

import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * Builds the {@link Jdbi} every repository uses, the same way in the application and in tests.
 *
 * <p>It installs whatever Jdbi plugins are on the classpath and binds {@link Instant} as a UTC
 * {@code timestamptz} (and maps it back), so event times never depend on the JVM's or the session's
 * time zone. Jdbi's built-in java.time support stays in place for the other types. Its transactions
 * run the {@link Tx#beforeCommit} actions at commit.
 */
public final class JdbiFactory {

  private JdbiFactory() {}

  /** A Jdbi on {@code dataSource}, configured as described above. */
  public static Jdbi create(DataSource dataSource) {
    Jdbi jdbi = Jdbi.create(dataSource).installPlugins();
    jdbi.setTransactionHandler(new CommitHooks(jdbi.getTransactionHandler()));
    jdbi.registerArgument(new UtcInstantArgumentFactory());
    jdbi.registerColumnMapper(
        Instant.class,
        (rows, column, context) -> {
          OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
          return value == null ? null : value.toInstant();
        });
    return jdbi;
  }

  /**
   * Jdbi's default binds an Instant as a {@code java.sql.Timestamp}, which pgjdbc sends as a local
   * time of the JVM's zone; an OffsetDateTime at UTC is unambiguous.
   */
  private static final class UtcInstantArgumentFactory extends AbstractArgumentFactory<Instant> {
    UtcInstantArgumentFactory() {
      super(Types.TIMESTAMP_WITH_TIMEZONE);
    }

    @Override
    protected Argument build(Instant value, ConfigRegistry config) {
      return (position, statement, context) ->
          statement.setObject(position, value.atOffset(ZoneOffset.UTC));
    }
  }
}
