package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One leader at a time, and the lead passes on when the leader's session ends. */
class LeaderLockIT extends FreshDatabaseTest {

  private Transactions transactions;

  @BeforeEach
  void wire() {
    transactions = new Transactions(app);
  }

  @Test
  @DisplayName("of two replicas asking for one lock, one leads; when it gives up, the other leads")
  void oneLeaderThenTheOther() {
    try (LeaderLock first = new LeaderLock(transactions, 42);
        LeaderLock second = new LeaderLock(transactions, 42);
        LeaderLock otherKey = new LeaderLock(transactions, 43)) {
      assertThat(first.holds()).isTrue();
      assertThat(second.holds()).isFalse();
      assertThat(first.holds()).as("still held on the next check").isTrue();
      assertThat(otherKey.holds()).as("another key is another lead").isTrue();

      first.close();

      assertThat(second.holds()).isTrue();
      assertThat(first.holds()).isFalse();
    }
  }

  @Test
  @DisplayName("a leader whose session is killed by the server loses the lead on its next check")
  void aKilledSessionLosesTheLead() {
    try (LeaderLock leader = new LeaderLock(transactions, 7);
        LeaderLock standby = new LeaderLock(transactions, 7)) {
      assertThat(leader.holds()).isTrue();

      var superuser = database.server().connection(database.name());
      Jdbi.create(
              superuser.jdbcUrl(),
              superuser.username(),
              superuser.password() == null ? "" : superuser.password())
          .useHandle(
              h ->
                  h.execute(
                      "SELECT pg_terminate_backend(pid) FROM pg_locks"
                          + " WHERE locktype = 'advisory' AND objid = 7 AND granted"));

      assertThat(leader.holds()).isFalse();
      assertThat(standby.holds()).isTrue();
    }
  }
}
