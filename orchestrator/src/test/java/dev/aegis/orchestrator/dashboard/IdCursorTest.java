package dev.aegis.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The live stream's cursor over append-only tables whose ids commit out of order. */
class IdCursorTest {

  private static final Duration GAP = Duration.ofSeconds(10);
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  /**
   * One tick: reads the visible ids above the cursor, returns those it admits, then advances it.
   */
  private static List<Long> tick(IdCursor cursor, List<Long> visible, Instant now) {
    List<Long> admitted = new ArrayList<>();
    visible.stream()
        .filter(id -> id > cursor.after())
        .sorted()
        .forEach(
            id -> {
              if (cursor.admit(id)) {
                admitted.add(id);
              }
            });
    cursor.advance(now);
    return admitted;
  }

  @Test
  @DisplayName("every id is admitted exactly once, however often the same rows are read")
  void eachIdOnce() {
    IdCursor cursor = new IdCursor(0, GAP);
    List<Long> rows = List.of(1L, 2L, 3L);
    assertThat(tick(cursor, rows, T0)).containsExactly(1L, 2L, 3L);
    assertThat(tick(cursor, rows, T0.plusSeconds(1))).isEmpty();
    assertThat(cursor.after()).isEqualTo(3);
  }

  @Test
  @DisplayName("a row that commits after a higher id is still admitted when it becomes visible")
  void lateCommitIsNotMissed() {
    IdCursor cursor = new IdCursor(0, GAP);
    assertThat(tick(cursor, List.of(1L, 3L), T0)).containsExactly(1L, 3L);
    assertThat(cursor.after()).as("the watermark waits below the gap").isEqualTo(1);
    assertThat(tick(cursor, List.of(1L, 2L, 3L), T0.plusSeconds(2))).containsExactly(2L);
    assertThat(cursor.after()).isEqualTo(3);
  }

  @Test
  @DisplayName("a gap that stays open past the timeout (a rolled-back insert) is skipped")
  void permanentGapIsSkipped() {
    IdCursor cursor = new IdCursor(0, GAP);
    tick(cursor, List.of(1L, 3L, 4L), T0);
    tick(cursor, List.of(1L, 3L, 4L), T0.plusSeconds(5));
    assertThat(cursor.after()).isEqualTo(1);
    tick(cursor, List.of(1L, 3L, 4L), T0.plusSeconds(11));
    assertThat(cursor.after()).isEqualTo(4);
    assertThat(tick(cursor, List.of(1L, 3L, 4L, 5L), T0.plusSeconds(12))).containsExactly(5L);
  }

  @Test
  @DisplayName(
      "reset starts after the known recent ids and still catches one of their gaps committing late")
  void resetKeepsRecentGapsOpen() {
    IdCursor cursor = new IdCursor(0, GAP);
    cursor.reset(100, List.of(101L, 102L, 104L));
    assertThat(cursor.after()).isEqualTo(102);
    assertThat(tick(cursor, List.of(101L, 102L, 103L, 104L), T0)).containsExactly(103L);
    assertThat(cursor.after()).isEqualTo(104);
  }

  @Test
  @DisplayName("memory stays bounded: admitted ids below the watermark are forgotten")
  void compacts() {
    IdCursor cursor = new IdCursor(0, GAP);
    List<Long> rows = LongStream.rangeClosed(1, 10_000).boxed().toList();
    assertThat(tick(cursor, rows, T0)).hasSize(10_000);
    assertThat(cursor.after()).isEqualTo(10_000);
    assertThat(cursor.admit(5)).isFalse();
  }
}
