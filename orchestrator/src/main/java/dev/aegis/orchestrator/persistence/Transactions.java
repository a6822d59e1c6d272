package dev.aegis.orchestrator.persistence;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  /**
   * {@link #inTransaction}, for work whose caller keeps state in memory that must follow the
   * transaction's outcome: when the commit fails without saying how it ended (the connection broke
   * after the server received the {@code COMMIT}), PostgreSQL is asked ({@code pg_xact_status})
   * whether the transaction committed. If it did, the actions registered with {@link
   * Tx#afterCommit} run (one that throws is logged and stops nothing), and the work's result is
   * returned as though the reply had arrived, with the failure in {@link Outcome#lostReply()}. If
   * it ended otherwise, or no answer comes within {@code patience}, the commit's failure is thrown
   * and those actions never run.
   */
  public <T> Outcome<T> inTransactionResolvingCommit(Function<Tx, T> work, Duration patience) {
    AtomicReference<Handle> session = new AtomicReference<>();
    AtomicReference<String> xid = new AtomicReference<>();
    AtomicReference<T> result = new AtomicReference<>();
    AtomicBoolean returned = new AtomicBoolean();
    try {
      jdbi.useTransaction(
          h -> {
            session.set(h);
            Tx.keepAfterCommit(h);
            xid.set(
                h.createQuery("SELECT CAST(pg_current_xact_id() AS text)")
                    .mapTo(String.class)
                    .one());
            result.set(work.apply(Tx.of(h)));
            returned.set(true);
          });
    } catch (RuntimeException failure) {
      List<Runnable> afterCommit =
          session.get() == null ? List.of() : Tx.takeAfterCommit(session.get());
      // Thrown by the work: nothing was committed. Thrown after it returned: by the commit, and
      // only the server knows how that ended.
      if (!returned.get() || !"committed".equals(statusOf(xid.get(), patience, failure))) {
        throw failure;
      }
      runAll(afterCommit);
      return new Outcome<>(result.get(), failure);
    }
    runAll(Tx.takeAfterCommit(session.get()));
    return new Outcome<>(result.get(), null);
  }

  /**
   * Runs each of a committed transaction's after-commit actions; one that throws is logged, and
   * neither stops the others nor makes the committed transaction look failed to its caller.
   */
  private static void runAll(List<Runnable> afterCommit) {
    for (Runnable action : afterCommit) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.error("an action after a committed transaction failed; the transaction stands", e);
      }
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

  /**
   * The status PostgreSQL gives transaction {@code xid}, asked again while it is still in progress
   * (a commit the server has not finished) for at most {@code patience}; null when it cannot be
   * asked, the failure to ask being added to {@code failure}.
   */
  private String statusOf(String xid, Duration patience, RuntimeException failure) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      String status;
      try {
        status =
            jdbi.withHandle(
                h ->
                    h.createQuery("SELECT pg_xact_status(CAST(:xid AS xid8))")
                        .bind("xid", xid)
                        .mapTo(String.class)
                        .one());
      } catch (RuntimeException unanswered) {
        failure.addSuppressed(unanswered);
        return null;
      }
      if (!"in progress".equals(status) || System.nanoTime() - deadline >= 0) {
        return status;
      }
      try {
        Thread.sleep(STATUS_POLL.toMillis());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return status;
      }
    }
  }

  private static final Duration STATUS_POLL = Duration.ofMillis(50);

  /**
   * What {@link #inTransactionResolvingCommit} returns.
   *
   * @param value the work's result
   * @param lostReply the commit's failure, when its reply was lost and PostgreSQL said the
   *     transaction had committed; null when the commit answered
   */
  public record Outcome<T>(T value, RuntimeException lostReply) {}

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
