package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link Transactions#inTransactionResolvingCommit}: a commit that fails without saying how it
 * ended is resolved by asking PostgreSQL, and only a transaction the server committed is taken as
 * committed.
 *
 * <p>A reply is lost for real: a deferred trigger keeps the server inside the commit for longer
 * than the driver's socket timeout, so the driver gives the connection up while the server goes on.
 */
class TransactionsIT {

  /** Seconds the driver waits for any reply. */
  private static final int SOCKET_TIMEOUT = 2;

  private TestDatabase database;
  private Transactions transactions;

  @BeforeEach
  void freshDatabase() {
    database = SharedInfrastructure.postgres().createDatabase();
    database
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "CREATE TABLE marks (x int); CREATE FUNCTION at_commit() RETURNS trigger "
                        + "LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.x IN (2, 3) THEN PERFORM pg_sleep("
                        + (SOCKET_TIMEOUT + 2)
                        + "); END IF; "
                        + "IF NEW.x IN (1, 3) THEN RAISE EXCEPTION 'mark % refused', NEW.x; END IF; "
                        + "RETURN NULL; END $$; CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT "
                        + "ON marks DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                        + "EXECUTE FUNCTION at_commit()"));
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(database.connection().jdbcUrl());
    dataSource.setUser(database.connection().username());
    dataSource.setSocketTimeout(SOCKET_TIMEOUT);
    transactions = new Transactions(JdbiFactory.create(dataSource));
  }

  @AfterEach
  void drop() {
    database.close();
  }

  @Test
  @DisplayName(
      "a commit whose reply is lost, and which the server then finishes, runs the after-commit actions"
          + " and returns the work's result")
  void lostReplyOfACommittedTransaction() {
    Transactions.Outcome<String> outcome = mark(2);

    assertThat(outcome.value()).isEqualTo("marked 2");
    assertThat(outcome.lostReply())
        .as("the commit's failure, kept")
        .isNotNull()
        .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
    assertThat(marks()).containsExactly(2);
    assertThat(committed).as("after-commit actions run").containsExactly(2);
  }

  @Test
  @DisplayName("a commit whose reply is lost, and which the server then rolls back, is thrown")
  void lostReplyOfARolledBackTransaction() {
    assertThatThrownBy(() -> mark(3)).hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
    assertThat(marks()).isEmpty();
    assertThat(committed).as("after-commit actions run").isEmpty();
  }

  @Test
  @DisplayName("a commit the server refuses at once is thrown")
  void refusedCommit() {
    assertThatThrownBy(() -> mark(1)).hasStackTraceContaining("mark 1 refused");
    assertThat(marks()).isEmpty();
    assertThat(committed).as("after-commit actions run").isEmpty();
  }

  @Test
  @DisplayName("a commit that answers returns the work's result with no failure")
  void answeredCommit() {
    Transactions.Outcome<String> outcome = mark(4);

    assertThat(outcome.value()).isEqualTo("marked 4");
    assertThat(outcome.lostReply()).isNull();
    assertThat(marks()).containsExactly(4);
    assertThat(committed).as("after-commit actions run").containsExactly(4);
  }

  @Test
  @DisplayName(
      "an after-commit action that throws does not make a committed transaction look failed, nor"
          + " stop the actions after it")
  void throwingAfterCommitAction() {
    Transactions.Outcome<String> outcome =
        transactions.inTransactionResolvingCommit(
            tx -> {
              tx.execute("INSERT INTO marks VALUES (6)");
              tx.afterCommit(
                  () -> {
                    throw new IllegalStateException("action failed");
                  });
              tx.afterCommit(() -> committed.add(6));
              return "marked 6";
            },
            Duration.ofSeconds(30));

    assertThat(outcome.value()).isEqualTo("marked 6");
    assertThat(outcome.lostReply()).isNull();
    assertThat(marks()).containsExactly(6);
    assertThat(committed).as("the action after the one that threw").containsExactly(6);
  }

  @Test
  @DisplayName("work that fails is thrown, and nothing it wrote stays")
  void failedWork() {
    assertThatThrownBy(
            () ->
                transactions.inTransactionResolvingCommit(
                    tx -> {
                      tx.execute("INSERT INTO marks VALUES (5)");
                      throw new IllegalStateException("work failed");
                    },
                    Duration.ofSeconds(30)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("work failed");
    assertThat(marks()).isEmpty();
  }

  @Test
  @DisplayName(
      "before-commit actions run at the commit, inside the transaction (what they write commits"
          + " with it, those they add run too), and never for a transaction that rolls back")
  void beforeCommitActions() {
    List<Integer> marksSeenBeforeCommit = new java.util.ArrayList<>();
    transactions.useTransaction(
        tx -> {
          tx.beforeCommit(
              () -> {
                marksSeenBeforeCommit.addAll(marks());
                tx.execute("INSERT INTO marks VALUES (7)");
                tx.beforeCommit(() -> tx.execute("INSERT INTO marks VALUES (8)"));
              });
          tx.execute("INSERT INTO marks VALUES (4)");
        });
    assertThat(marksSeenBeforeCommit).as("not yet committed when the action ran").isEmpty();
    assertThat(marks()).containsExactlyInAnyOrder(4, 7, 8);

    assertThatThrownBy(
            () ->
                transactions.useTransaction(
                    tx -> {
                      tx.beforeCommit(() -> tx.execute("INSERT INTO marks VALUES (9)"));
                      throw new IllegalStateException("work failed");
                    }))
        .hasMessage("work failed");
    assertThat(marks()).as("rolled back: the action never ran").containsExactlyInAnyOrder(4, 7, 8);

    assertThatThrownBy(
            () ->
                transactions.useTransaction(
                    tx -> {
                      tx.execute("INSERT INTO marks VALUES (4)");
                      tx.beforeCommit(
                          () -> {
                            throw new IllegalStateException("action failed");
                          });
                    }))
        .hasMessage("action failed");
    assertThat(marks()).as("the failed action rolled its transaction back").hasSize(3);
  }

  /** What the after-commit actions of {@link #mark} have run for. */
  private final List<Integer> committed = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Transactions.Outcome<String> mark(int x) {
    return transactions.inTransactionResolvingCommit(
        tx -> {
          tx.execute("INSERT INTO marks VALUES (?)", x);
          tx.afterCommit(() -> committed.add(x));
          return "marked " + x;
        },
        Duration.ofSeconds(30));
  }

  private List<Integer> marks() {
    Jdbi owner = database.jdbi();
    return owner.withHandle(h -> h.createQuery("SELECT x FROM marks").mapTo(Integer.class).list());
  }
}
