package dev.aegis.orchestrator.persistence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * A database session, usually inside a transaction, that the repositories of this package run their
 * SQL on. Code outside {@code persistence} only passes it along: it cannot issue SQL through it,
 * which is how the build keeps every query in this package (see ArchitectureTest).
 */
public final class Tx implements AutoCloseable {

  private final Handle handle;

  private Tx(Handle handle) {
    this.handle = handle;
  }

  /** Wraps a JDBI handle; for this package, and for tests that hold a handle of their own. */
  public static Tx of(Handle handle) {
    return new Tx(handle);
  }

  /**
   * Runs {@code work} in a transaction of this session (nested in the current one, if any) and
   * returns its result.
   */
  public <T> T inTransaction(Function<Tx, T> work) {
    return handle.inTransaction(h -> work.apply(h == handle ? this : new Tx(h)));
  }

  /** Runs {@code work} in a transaction of this session. */
  public void useTransaction(Consumer<Tx> work) {
    handle.useTransaction(h -> work.accept(h == handle ? this : new Tx(h)));
  }

  /**
   * Runs {@code action} once this session's transaction commits, never if it rolls back; at once
   * outside a transaction, where each statement has committed by itself.
   */
  public void afterCommit(Runnable action) {
    if (handle.isInTransaction()) {
      List<Runnable> kept = KEPT.get(handle);
      if (kept != null) {
        kept.add(action);
      } else {
        handle.afterCommit(action);
      }
    } else {
      action.run();
    }
  }

  /**
   * The after-commit actions of sessions whose transaction {@link
   * Transactions#inTransactionResolvingCommit} ends, by session: kept here rather than by JDBI,
   * which runs them only when the commit answers, so that they also run when its reply was lost and
   * PostgreSQL says the transaction committed. Weak, as {@link #LOCALS}.
   */
  private static final Map<Handle, List<Runnable>> KEPT =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * Keeps the after-commit actions of {@code handle}'s current transaction here ({@link #KEPT}).
   */
  static void keepAfterCommit(Handle handle) {
    KEPT.put(handle, new ArrayList<>());
  }

  /** The actions kept for {@code handle}'s transaction, in the order given, kept no longer. */
  static List<Runnable> takeAfterCommit(Handle handle) {
    List<Runnable> kept = KEPT.remove(handle);
    return kept == null ? List.of() : kept;
  }

  /** The key of {@link #markOnce}'s marks among a transaction's {@link #local} values. */
  private static final Object MARKS = new Object();

  /**
   * True the first time {@code key} is marked in this session's current transaction, false after:
   * lets a repository register one after-commit action per transaction rather than one per row.
   * Always true outside a transaction, where each statement commits by itself.
   */
  boolean markOnce(Object... key) {
    Set<List<Object>> marks = local(MARKS, HashSet::new);
    return marks.add(List.of(key));
  }

  /**
   * Values kept for each session's current transaction, by session and key ({@link #local}):
   * several {@code Tx} may wrap one handle. Weak, should a session end without its transaction
   * ending.
   */
  private static final Map<Handle, Map<Object, Object>> LOCALS =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The value kept under {@code key} for this session's current transaction, made by {@code create}
   * the first time and forgotten when the transaction ends: what a repository read in this
   * transaction and must check its writes against. Outside a transaction, a new value every call.
   */
  @SuppressWarnings("unchecked")
  <T> T local(Object key, Supplier<T> create) {
    if (!handle.isInTransaction()) {
      return create.get();
    }
    Map<Object, Object> locals = LOCALS.get(handle);
    if (locals == null) {
      locals = new HashMap<>();
      LOCALS.put(handle, locals);
      Runnable forget = () -> LOCALS.remove(handle);
      handle.afterCommit(forget);
      handle.afterRollback(forget);
    }
    return (T) locals.computeIfAbsent(key, k -> create.get());
  }

  /** The key of {@link #beforeCommit}'s actions among a transaction's {@link #local} values. */
  private static final Object BEFORE_COMMIT = new Object();

  /**
   * Runs {@code action} when this session's transaction is about to commit, inside it: what it
   * writes commits with the transaction, and a failure rolls the transaction back. Never when it
   * rolls back. Outside a transaction it never runs: each statement there has committed already.
   * Needs a {@link Jdbi} from {@link JdbiFactory}, whose transactions run these actions.
   */
  void beforeCommit(Runnable action) {
    this.<List<Runnable>>local(BEFORE_COMMIT, ArrayList::new).add(action);
  }

  /**
   * Runs the {@link #beforeCommit} actions of {@code handle}'s transaction, in the order given, and
   * those they add in turn; each runs once.
   */
  static void runBeforeCommit(Handle handle) {
    while (true) {
      Map<Object, Object> locals = LOCALS.get(handle);
      @SuppressWarnings("unchecked")
      List<Runnable> actions =
          locals == null ? null : (List<Runnable>) locals.remove(BEFORE_COMMIT);
      if (actions == null) {
        return;
      }
      actions.forEach(Runnable::run);
    }
  }

  /** Ends the session (for sessions opened with {@link Transactions#open()}). */
  @Override
  public void close() {
    handle.close();
  }

  Query createQuery(String sql) {
    return handle.createQuery(sql);
  }

  Update createUpdate(String sql) {
    return handle.createUpdate(sql);
  }

  PreparedBatch prepareBatch(String sql) {
    return handle.prepareBatch(sql);
  }

  int execute(String sql, Object... arguments) {
    return handle.execute(sql, arguments);
  }

  Handle handle() {
    return handle;
  }
}
