package dev.aegis.orchestrator.production.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.operators.actuation.ReplicaReader;
import dev.aegis.orchestrator.testsupport.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When the guard's replica counts reach the cluster, and what a failed read leaves in place. */
class ReplicaCountsTest {

  private static final Duration TTL = Duration.ofSeconds(10);

  /** The port, answering from a script and recording each call. */
  private final Deque<OptionalInt> answers = new ArrayDeque<>();

  private final List<String> calls = new ArrayList<>();
  private final ReplicaReader reader =
      (namespace, service) -> {
        calls.add(namespace + "/" + service);
        return answers.isEmpty() ? OptionalInt.empty() : answers.removeFirst();
      };
  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-04T10:00:00Z"));
  private final ReplicaCounts counts = new ReplicaCounts(reader, clock, TTL);

  @Test
  @DisplayName(
      "a service never read is read through once; after that the count comes from the cache")
  void firstSightReadsThrough() {
    answers.add(OptionalInt.of(4));

    assertThat(counts.of("shop", "cart")).hasValue(4);
    clock.advance(TTL.multipliedBy(3));
    assertThat(counts.of("shop", "cart")).as("stale, but inside a transaction").hasValue(4);
    assertThat(calls).containsExactly("shop/cart");
  }

  @Test
  @DisplayName(
      "refresh reads again only when the count is older than the TTL, and never for an unknown service")
  void refreshOnlyWhenStale() {
    answers.add(OptionalInt.of(4));
    answers.add(OptionalInt.of(6));
    counts.refresh("shop", "cart");
    assertThat(calls).as("unknown: left to the first read").isEmpty();

    counts.of("shop", "cart");
    clock.advance(TTL.minusSeconds(1));
    counts.refresh("shop", "cart");
    assertThat(calls).hasSize(1);

    clock.advance(Duration.ofSeconds(1));
    counts.refresh("shop", "cart");
    assertThat(calls).hasSize(2);
    assertThat(counts.of("shop", "cart")).hasValue(6);
  }

  @Test
  @DisplayName("a read that fails keeps the last known count, and is not retried before the TTL")
  void failedReadKeepsTheLastCount() {
    answers.add(OptionalInt.of(4));
    counts.of("shop", "cart");
    clock.advance(TTL);
    answers.add(OptionalInt.empty());

    counts.refresh("shop", "cart");
    counts.refresh("shop", "cart");

    assertThat(counts.of("shop", "cart")).hasValue(4);
    assertThat(calls).hasSize(2);
  }

  @Test
  @DisplayName("after Aegis scaled the service itself, the next refresh reads the new count")
  void forgetMakesTheNextRefreshRead() {
    answers.add(OptionalInt.of(4));
    answers.add(OptionalInt.of(6));
    counts.of("shop", "cart");

    counts.forget("shop", "cart");
    counts.refresh("shop", "cart");

    assertThat(counts.of("shop", "cart")).hasValue(6);
    assertThat(calls).hasSize(2);
  }

  @Test
  @DisplayName("the same name in two namespaces is two services")
  void namespacesAreSeparate() {
    answers.add(OptionalInt.of(4));
    answers.add(OptionalInt.of(2));

    assertThat(counts.of("shop", "cart")).hasValue(4);
    assertThat(counts.of("pay", "cart")).hasValue(2);
  }
}
