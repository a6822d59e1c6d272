package dev.aegis.orchestrator.persistence;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Jdbi's transaction handler with {@link Tx#beforeCommit} actions: a commit runs them first, in the
 * transaction. Every other call goes to the handler it wraps; a transaction Jdbi runs ({@code
 * inTransaction}) ends with the handle's commit, which comes back here.
 */
final class CommitHooks implements TransactionHandler {

  private final TransactionHandler delegate;

  CommitHooks(TransactionHandler delegate) {
    this.delegate = delegate;
  }

  @Override
  public TransactionHandler specialize(Handle handle) throws SQLException {
    return new CommitHooks(delegate.specialize(handle));
  }

  @Override
  public void commit(Handle handle) {
    Tx.runBeforeCommit(handle);
    delegate.commit(handle);
  }

  @Override
  public void begin(Handle handle) {
    delegate.begin(handle);
  }

  @Override
  public void rollback(Handle handle) {
    delegate.rollback(handle);
  }

  @Override
  public boolean isInTransaction(Handle handle) {
    return delegate.isInTransaction(handle);
  }

  @Override
  public void savepoint(Handle handle, String name) {
    delegate.savepoint(handle, name);
  }

  @Override
  public void rollbackToSavepoint(Handle handle, String name) {
    delegate.rollbackToSavepoint(handle, name);
  }

  @Override
  public void releaseSavepoint(Handle handle, String name) {
    delegate.releaseSavepoint(handle, name);
  }

  @Override
  public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback)
      throws X {
    return delegate.inTransaction(handle, callback);
  }

  @Override
  public <R, X extends Exception> R inTransaction(
      Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
    return delegate.inTransaction(handle, level, callback);
  }
}
