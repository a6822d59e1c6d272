package dev.aegis.orchestrator.persistence;

/**
 * A session-level PostgreSQL advisory lock held on a session of its own: whoever holds it leads.
 * PostgreSQL releases it when the session ends, so a replica that dies, or loses its connection,
 * gives up the lead without a lease to run out; the others see it free on their next try.
 */
public final class LeaderLock implements AutoCloseable {

  private final Transactions transactions;
  private final long key;
  private Tx session;

  public LeaderLock(Transactions transactions, long key) {
    this.transactions = transactions;
    this.key = key;
  }

  /**
   * Whether this replica leads now: takes the lock if it is free, and checks that a lock taken
   * before is still held (its session alive). On any database error the session is dropped and the
   * answer is false.
   */
  public synchronized boolean holds() {
    try {
      if (session == null) {
        session = transactions.open();
        boolean taken =
            session
                .createQuery("SELECT pg_try_advisory_lock(:key)")
                .bind("key", key)
                .mapTo(Boolean.class)
                .one();
        if (!taken) {
          drop();
        }
        return taken;
      }
      // A session-level lock lasts as long as its session: a live session still holds it.
      return session.createQuery("SELECT true").mapTo(Boolean.class).one();
    } catch (RuntimeException e) {
      drop();
      return false;
    }
  }

  /** Gives up the lead (ends the session, which releases the lock). */
  @Override
  public synchronized void close() {
    drop();
  }

  private void drop() {
    if (session != null) {
      try {
        session.close();
      } catch (RuntimeException ignored) {
        // the session is gone already; so is its lock
      }
      session = null;
    }
  }
}
