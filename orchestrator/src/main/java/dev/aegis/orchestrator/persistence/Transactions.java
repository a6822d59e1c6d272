package dev.aegis.orchestrator.persistence;

import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * Where every unit of work on the database starts. Each method opens a session on the pool and
 * closes it after; runtime exceptions thrown by the work roll its transaction back and reach the
 * caller unchanged.
 */
public final class Transactions {

  private final Jdbi jdbi;

  public Transactions(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Runs {@code work} in one transaction and returns its result. */
  public <T> T inTransaction(Function<Tx, T> work) {
    return jdbi.inTransaction(h -> work.apply(Tx.of(h)));
  }

  /** Runs {@code work} in one transaction. */
  public void useTransaction(Consumer<Tx> work) {
    jdbi.useTransaction(h -> work.accept(Tx.of(h)));
  }

  /**
   * Runs {@code work} in autocommit mode (each statement its own transaction) and returns its
   * result.
   */
  public <T> T withHandle(Function<Tx, T> work) {
    return jdbi.withHandle(h -> work.apply(Tx.of(h)));
  }

  /** Runs {@code work} in autocommit mode. */
  public void useHandle(Consumer<Tx> work) {
    jdbi.useHandle(h -> work.accept(Tx.of(h)));
  }

  /**
   * Opens a session the caller closes: for work that holds a session-level lock across
   * transactions.
   */
  public Tx open() {
    return Tx.of(jdbi.open());
  }
}
