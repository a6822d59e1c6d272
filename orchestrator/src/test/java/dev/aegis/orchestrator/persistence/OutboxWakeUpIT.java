package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.DashboardReadsIT.promote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.EventType;
import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What wakes the relays: a listener of a kind of outbox row runs once the transaction that added
 * such rows has committed, when the rows are visible to the relay's own session, and never for rows
 * rolled back.
 */
class OutboxWakeUpIT extends FreshDatabaseTest {

  private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

  private final OutboxRepository outbox = new OutboxRepository();

  /** What each wake-up saw: the PENDING actuations another session could read at that moment. */
  private final List<Integer> actuationWakeUps = new ArrayList<>();

  private final List<String> eventWakeUps = new ArrayList<>();

  @BeforeEach
  void wire() {
    outbox.onCommitted(
        OutboxRepository.Kind.ACTUATION, () -> actuationWakeUps.add(visiblePending()));
    outbox.onCommitted(OutboxRepository.Kind.EVENT, () -> eventWakeUps.add("event"));
  }

  @Test
  @DisplayName(
      "a committed transaction wakes the listeners of the kinds it added once, after its rows are"
          + " visible")
  void committedRowsWakeTheirKind() {
    app.useTransaction(
        h -> {
          outbox.add(Tx.of(h), promote("a1", "e1"), T0);
          outbox.add(Tx.of(h), promote("a2", "e2"), T0);
          outbox.add(Tx.of(h), promote("a3", "e3"), T0);
          assertThat(actuationWakeUps).as("nothing before the commit").isEmpty();
        });

    assertThat(actuationWakeUps).as("one wake-up for the three rows").containsExactly(3);
    assertThat(eventWakeUps).isEmpty();

    app.useTransaction(
        h -> {
          Tx tx = Tx.of(h);
          outbox.add(tx, promote("a4", "e4"), T0);
          outbox.add(
              tx, new OutboxMessage.Event("ev", EventType.LIFECYCLE_TRANSITIONED, "e4", "{}"), T0);
          outbox.add(tx, promote("a5", "e5"), T0);
        });

    assertThat(actuationWakeUps).as("the next transaction wakes again").containsExactly(3, 5);
    assertThat(eventWakeUps).containsExactly("event");
  }

  @Test
  @DisplayName("a rolled-back transaction wakes nobody")
  void rolledBackRowsWakeNobody() {
    assertThatThrownBy(
            () ->
                app.useTransaction(
                    h -> {
                      outbox.add(Tx.of(h), promote("a1", "e1"), T0);
                      outbox.add(
                          Tx.of(h),
                          new OutboxMessage.Event(
                              "ev", EventType.LIFECYCLE_TRANSITIONED, "e1", "{}"),
                          T0);
                      throw new IllegalStateException("decided against");
                    }))
        .hasMessage("decided against");

    assertThat(actuationWakeUps).isEmpty();
    assertThat(eventWakeUps).isEmpty();
    assertThat(visiblePending()).isZero();
  }

  @Test
  @DisplayName(
      "outside a transaction the row has committed by itself, and the listener runs after it")
  void autocommitWakesAfterTheStatement() {
    app.useHandle(h -> outbox.add(Tx.of(h), promote("a1", "e1"), T0));

    assertThat(actuationWakeUps).containsExactly(1);
  }

  @Test
  @DisplayName("nested transactions wake once the outer one commits")
  void nestedTransactionsWakeAtTheOuterCommit() {
    app.useTransaction(
        h ->
            Tx.of(h)
                .useTransaction(
                    inner -> {
                      outbox.add(
                          inner,
                          new OutboxMessage.Event(
                              "ev", EventType.LIFECYCLE_TRANSITIONED, "e1", "{}"),
                          T0);
                      assertThat(eventWakeUps).isEmpty();
                    }));

    assertThat(eventWakeUps).containsExactly("event");
    assertThat(actuationWakeUps).isEmpty();
  }

  private int visiblePending() {
    return app.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM outbox WHERE kind = 'actuation' AND status = 'PENDING'")
                .mapTo(Integer.class)
                .one());
  }
}
