package dev.aegis.orchestrator.judgment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The step sample journal's algebra: whatever the core does to a step's samples, what is stored
 * (seed entries, then appended entries) replays to exactly the samples the core holds.
 */
class StepEvidenceJournalTest {

  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final HealthWindow.Track[] TRACKS = HealthWindow.Track.values();

  @Test
  @DisplayName("seed entries replay to the same evidence, lists beyond the cap and faults included")
  void seedsReplayExactly() {
    Random random = new Random(7);
    StepEvidence e = StepEvidence.EMPTY;
    for (int i = 0; i < 500; i++) {
      e = e.with(window(random, i), faults(random, i));
      assertThat(StepEvidence.replay(e.asEntries())).isEqualTo(e);
    }
    // A stored list longer than today's cap (kept by an older version) is restored, not merged.
    List<WindowSample> long90 = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      long90.add(new WindowSample(T0.plusSeconds(i), T0.plusSeconds(i + 1), 100, 1, 80, null));
    }
    StepEvidence old = new StepEvidence(long90, List.of(), List.of(), List.of());
    assertThat(StepEvidence.replay(old.asEntries())).isEqualTo(old);
  }

  @Test
  @DisplayName(
      "after windows are added, stored entries plus the appended ones replay to the core's evidence;"
          + " after a merge or a new step nothing is appended, it is stored afresh")
  void appendedEntriesReplayToTheCoresEvidence() {
    Random random = new Random(11);
    StepEvidence stored = StepEvidence.EMPTY;
    List<StepEvidence.Entry> journal = new ArrayList<>();
    int appends = 0;
    int afresh = 0;
    for (int batch = 0; batch < 400; batch++) {
      StepEvidence after = stored;
      int windows = 1 + random.nextInt(6);
      for (int w = 0; w < windows; w++) {
        after = after.with(window(random, batch * 10 + w), faults(random, batch * 10 + w));
      }
      if (random.nextInt(40) == 0) {
        after = after.carriedPast(T0.plusSeconds(batch * 10L - 30)); // a new step
      }
      var appended = after.since(stored);
      if (appended.isPresent()) {
        journal.addAll(appended.get());
        appends++;
      } else {
        journal = new ArrayList<>(after.asEntries());
        afresh++;
      }
      assertThat(StepEvidence.replay(journal)).as("batch %d", batch).isEqualTo(after);
      stored = after;
    }
    assertThat(appends).as("batches stored by appending").isGreaterThan(afresh);
    assertThat(afresh).as("batches stored afresh (merges, new steps)").isPositive();
  }

  @Test
  @DisplayName(
      "with the evidence after each window, merges are appended too: only a new step is stored"
          + " afresh, and the journal still replays to the core's evidence")
  void withThePathMergesAreAppended() {
    Random random = new Random(13);
    StepEvidence stored = StepEvidence.EMPTY;
    List<StepEvidence.Entry> journal = new ArrayList<>();
    int merges = 0;
    int newSteps = 0;
    int afresh = 0;
    for (int batch = 0; batch < 400; batch++) {
      StepEvidence after = stored;
      List<StepEvidence> path = new ArrayList<>();
      int windows = 1 + random.nextInt(6);
      for (int w = 0; w < windows; w++) {
        StepEvidence next = after.with(window(random, batch * 10 + w), faults(random, w));
        if (next.size() < after.size() + 1) {
          merges++;
        }
        after = next;
        path.add(after);
      }
      boolean newStep = random.nextInt(40) == 0;
      if (newStep) {
        after = after.carriedPast(T0.plusSeconds(batch * 10L - 30));
        path.add(after);
        newSteps++;
      }
      var appended = after.since(stored, path);
      if (appended.isPresent()) {
        journal.addAll(appended.get());
      } else {
        assertThat(newStep).as("batch %d, stored afresh, began a step", batch).isTrue();
        journal = new ArrayList<>(after.asEntries());
        afresh++;
      }
      assertThat(StepEvidence.replay(journal)).as("batch %d", batch).isEqualTo(after);
      stored = after;
    }
    assertThat(merges).as("windows that merged neighbours").isGreaterThan(20);
    assertThat(newSteps).isPositive();
    // A new step whose carried windows happen to extend what was stored is appended.
    assertThat(afresh).as("batches stored afresh").isPositive().isLessThanOrEqualTo(newSteps);
  }

  @Test
  @DisplayName(
      "the window that merged a full track is appended as one entry, and only with a path that"
          + " ends at the evidence written")
  void theMergingWindowIsOneEntry() {
    StepEvidence full = StepEvidence.EMPTY;
    for (int i = 0; i < StepEvidence.MAX_SAMPLES; i++) {
      full = full.with(canary(i), List.of());
    }
    StepEvidence merged = full.with(canary(StepEvidence.MAX_SAMPLES), List.of());

    var appended = merged.since(full, List.of(merged));

    assertThat(appended).isPresent();
    assertThat(appended.get()).hasSize(1);
    assertThat(appended.get().get(0).sample().start())
        .isEqualTo(canary(StepEvidence.MAX_SAMPLES).windowStart());
    List<StepEvidence.Entry> journal = new ArrayList<>(full.asEntries());
    journal.addAll(appended.get());
    assertThat(StepEvidence.replay(journal)).isEqualTo(merged);
    assertThat(merged.since(full, List.of())).as("no path").isEmpty();
    assertThat(merged.since(full, List.of(full))).as("a path ending elsewhere").isEmpty();
    StepEvidence other = full.with(canary(StepEvidence.MAX_SAMPLES + 5), List.of());
    assertThat(other.since(full, List.of(merged, other)))
        .as("a path through evidence this one does not extend")
        .isEmpty();
  }

  @Test
  @DisplayName("evidence that merged neighbours does not extend what was stored")
  void aMergeIsNotAnAppend() {
    StepEvidence full = StepEvidence.EMPTY;
    for (int i = 0; i < StepEvidence.MAX_SAMPLES; i++) {
      full = full.with(canary(i), List.of());
    }
    StepEvidence merged = full.with(canary(StepEvidence.MAX_SAMPLES), List.of());
    assertThat(merged.canary()).hasSizeLessThan(full.canary().size());
    assertThat(merged.since(full)).isEmpty();
    assertThat(full.since(full.with(canary(99), List.of())))
        .as("fewer samples than stored")
        .isEmpty();
  }

  private static HealthWindow canary(int i) {
    return new HealthWindow(
        "checkout",
        "2.0",
        HealthWindow.Track.CANARY,
        T0.plusSeconds(i * 10L),
        T0.plusSeconds(i * 10L + 10),
        1000,
        i % 7,
        80,
        200 + i,
        300,
        0.4,
        0.5,
        "shop");
  }

  private static HealthWindow window(Random random, int i) {
    return new HealthWindow(
        "checkout",
        "2.0",
        TRACKS[random.nextInt(TRACKS.length)],
        T0.plusSeconds(i * 10L),
        T0.plusSeconds(i * 10L + 10),
        random.nextInt(2000),
        random.nextInt(40),
        80,
        150 + random.nextInt(100),
        300,
        0.4,
        0.5,
        "shop");
  }

  private static List<ActiveFault> faults(Random random, int i) {
    if (random.nextInt(15) != 0) {
      return List.of();
    }
    return List.of(
        new ActiveFault(
            "fault-" + (i / 30),
            "latency",
            HealthWindow.Track.CANARY,
            T0.plusSeconds(i * 10L - 60),
            T0.plusSeconds(i * 10L + 120)));
  }
}
