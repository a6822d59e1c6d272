package dev.aegis.orchestrator.production.slo;

import static dev.aegis.orchestrator.production.slo.Streams.T0;
import static dev.aegis.orchestrator.production.slo.Streams.feed;
import static dev.aegis.orchestrator.production.slo.Streams.minute;
import static dev.aegis.orchestrator.production.slo.Streams.minutes;
import static dev.aegis.orchestrator.production.slo.Streams.stable;
import static dev.aegis.orchestrator.production.slo.Streams.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.HealthWindow.Track;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Burn rates and alert edges of one track, against expectations computed by hand. Unless a test
 * says otherwise: the workbook policy at 99.9% (budget 0.001), one-minute windows of 1000 requests,
 * so {@code e} errors a minute burn at {@code e}× (20 errors = 2% = 20×).
 */
class BurnRateTrackerTest {

  private static final Offset<Double> EPS = within(1e-9);
  private static final Duration M5 = Duration.ofMinutes(5);
  private static final Duration H1 = Duration.ofHours(1);
  private static final SloPolicy PAGE_1H_ONLY =
      SloPolicy.DEFAULT.withRules(List.of(AlertRule.PAGE_1H_5M));

  @Nested
  class Firing_and_resolving {

    @Test
    @DisplayName(
        "a sustained 2% error rate (burn 20) fires page-1h-5m once, when the 1 h window reaches half coverage at 30 min")
    void sustainedBurnFiresThePageRuleOnce() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);

      List<AlertChange> changes = feed(tracker, 0, 60, 1000, 20);

      assertThat(changes).hasSize(1);
      AlertChange fired = changes.get(0);
      assertThat(fired.rule()).isEqualTo(AlertRule.PAGE_1H_5M);
      assertThat(fired.state()).isEqualTo(AlertState.FIRING);
      assertThat(fired.at()).isEqualTo(minutes(30));
      assertThat(fired.firedAt()).isEqualTo(minutes(30));
      assertThat(fired.burnRateLong()).isCloseTo(20, EPS);
      assertThat(fired.burnRateShort()).isCloseTo(20, EPS);
      assertThat(fired.objective()).isEqualTo(0.999);
      assertThat(fired.version()).isEqualTo(Streams.VERSION);
      assertThat(fired.eventId())
          .isEqualTo("checkout/stable/page-1h-5m/2025-03-01T12:30:00Z/firing");
      assertThat(tracker.snapshot().rule("page-1h-5m").firing()).isTrue();
    }

    @Test
    @DisplayName(
        "recovery resolves page-1h-5m as soon as the 5 min window drops to 12× (two clean minutes), while the 1 h window still burns 19.3×")
    void recoveryResolvesThroughTheShortWindow() {
      BurnRateTracker tracker = stable(PAGE_1H_ONLY);
      feed(tracker, 0, 60, 1000, 20);

      List<AlertChange> first = tracker.observe(minute(60, 1000, 0));
      List<AlertChange> second = tracker.observe(minute(61, 1000, 0));

      assertThat(first).as("5 min window [56, 61): 4 bad minutes of 5 = 16×").isEmpty();
      assertThat(second).hasSize(1);
      AlertChange resolved = second.get(0);
      assertThat(resolved.state()).isEqualTo(AlertState.RESOLVED);
      assertThat(resolved.at()).isEqualTo(minutes(62));
      assertThat(resolved.firedAt()).isEqualTo(minutes(30));
      assertThat(resolved.burnRateShort()).as("3 bad minutes of 5").isCloseTo(12, EPS);
      assertThat(resolved.burnRateLong()).as("58 bad minutes of 60").isCloseTo(20.0 * 58 / 60, EPS);
      assertThat(resolved.eventId())
          .isEqualTo("checkout/stable/page-1h-5m/2025-03-01T12:30:00Z/resolved");
      assertThat(tracker.snapshot().rule("page-1h-5m").firing()).isFalse();
    }

    @Test
    @DisplayName(
        "a burn of 25× from a fresh track fires each workbook rule at the minute its coverage rule allows")
    void eachRuleFiresWhenItsWindowsAllow() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);

      List<AlertChange> changes = feed(tracker, 0, 240, 1000, 25);

      // page-1h-5m:   1 h trusted at half coverage (30 min): 25 > 14.4
      // page-6h-30m:  25 × k/360 > 6   first at k = 87  (86 gives 5.97)
      // ticket-1d-2h: 25 × k/1440 > 3  first at k = 173 (172 gives 2.99)
      // ticket-3d-6h: 25 × k/4320 > 1  first at k = 173 (172 gives 0.995)
      assertThat(changes)
          .extracting(c -> c.rule().name(), AlertChange::state, AlertChange::at)
          .containsExactly(
              Tuple.tuple("page-1h-5m", AlertState.FIRING, minutes(30)),
              Tuple.tuple("page-6h-30m", AlertState.FIRING, minutes(87)),
              Tuple.tuple("ticket-1d-2h", AlertState.FIRING, minutes(173)),
              Tuple.tuple("ticket-3d-6h", AlertState.FIRING, minutes(173)));
      assertThat(changes.stream().filter(c -> c.rule().severity() == Severity.TICKET))
          .allMatch(c -> c.rule().severity().wire().equals("ticket"));
    }

    @Test
    @DisplayName(
        "a short spike (3 minutes at 10% after two clean hours) fires nothing over four hours")
    void shortSpikeFiresNothing() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);

      List<AlertChange> changes = new ArrayList<>(feed(tracker, 0, 120, 1000, 0));
      changes.addAll(feed(tracker, 120, 123, 1000, 100));
      BurnRateSnapshot duringSpike = tracker.snapshot();
      changes.addAll(feed(tracker, 123, 240, 1000, 0));

      assertThat(duringSpike.window(M5).burnRate()).as("300 errors in 5000").isCloseTo(60, EPS);
      assertThat(duringSpike.window(H1).burnRate()).as("300 errors in 60000").isCloseTo(5, EPS);
      assertThat(changes).isEmpty();
    }

    @Test
    @DisplayName(
        "one minute of total outage after a clean hour pages (2.3% of a 30-day budget) and resolves once it leaves the 5 min window")
    void oneMinuteOutagePagesAndResolvesFast() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      feed(tracker, 0, 60, 1000, 0);

      List<AlertChange> changes = new ArrayList<>(feed(tracker, 60, 61, 1000, 1000));
      changes.addAll(feed(tracker, 61, 70, 1000, 0));

      assertThat(changes)
          .extracting(c -> c.rule().name(), AlertChange::state, AlertChange::at)
          .containsExactly(
              Tuple.tuple("page-1h-5m", AlertState.FIRING, minutes(61)),
              Tuple.tuple("page-1h-5m", AlertState.RESOLVED, minutes(66)));
      assertThat(changes.get(0).burnRateLong())
          .as("1000 errors in 60000")
          .isCloseTo(1000.0 / 60, EPS);
      assertThat(changes.get(0).burnRateShort()).as("1000 errors in 5000").isCloseTo(200, EPS);
    }

    @Test
    @DisplayName(
        "only edges are emitted: four hours of sustained burn give one FIRING per rule and nothing else")
    void onlyEdges() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);

      List<AlertChange> changes = feed(tracker, 0, 240, 1000, 25);

      assertThat(changes).hasSize(4).allMatch(AlertChange::isFiring);
      assertThat(tracker.snapshot().firing()).hasSize(4);
    }

    @Test
    @DisplayName(
        "the objective sets the budget: at 99% the same 2% errors burn 2× and fire nothing within four hours")
    void objectiveSetsTheBudget() {
      BurnRateTracker tracker = stable(SloPolicy.workbook(0.99));

      List<AlertChange> changes = feed(tracker, 0, 240, 1000, 20);

      assertThat(changes).isEmpty();
      assertThat(tracker.snapshot().window(H1).burnRate()).isCloseTo(2, within(1e-6));
    }

    @Test
    @DisplayName(
        "windows without traffic burn nothing: an idle service resolves once its 5 min window saw no request")
    void idleTrafficResolves() {
      BurnRateTracker tracker = stable(PAGE_1H_ONLY);
      feed(tracker, 0, 40, 1000, 20);

      List<AlertChange> changes = feed(tracker, 40, 50, 0, 0);

      assertThat(changes)
          .extracting(AlertChange::state, AlertChange::at)
          .containsExactly(Tuple.tuple(AlertState.RESOLVED, minutes(45)));
    }
  }

  @Nested
  class Coverage {

    @Test
    @DisplayName(
        "ten minutes of 2% on a fresh track page nothing: the 1 h window burns 20× over what it saw but covers 1/6")
    void tooLittleCoverageWaits() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);

      List<AlertChange> changes = feed(tracker, 0, 10, 1000, 20);

      BurnRate hour = tracker.snapshot().window(H1);
      assertThat(changes).isEmpty();
      assertThat(hour.requests()).isCloseTo(10_000, EPS);
      assertThat(hour.errors()).isCloseTo(200, EPS);
      assertThat(hour.coverage()).isCloseTo(10.0 / 60, EPS);
      assertThat(hour.burnRate()).isCloseTo(20, EPS);
      assertThat(hour.firingBurnRate(0.5)).as("20 × 1/6").isCloseTo(20.0 / 6, EPS);
    }

    @Test
    @DisplayName(
        "a total outage on a fresh track pages on its first minute: even with the rest of the hour clean it would burn 16.7×")
    void severeBurnFiresBeforeCoverage() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);

      List<AlertChange> changes = tracker.observe(minute(0, 1000, 1000));

      assertThat(changes)
          .extracting(c -> c.rule().name(), AlertChange::at)
          .containsExactly(Tuple.tuple("page-1h-5m", minutes(1)));
      assertThat(changes.get(0).burnRateLong()).as("as seen, not scaled").isCloseTo(1000, EPS);
    }

    @Test
    @DisplayName(
        "with minCoverage 1 a 2% burn waits until 20 × k/60 > 14.4: minute 44 instead of 30")
    void minCoverageIsConfigurable() {
      BurnRateTracker tracker = stable(PAGE_1H_ONLY.withMinCoverage(1.0));

      List<AlertChange> changes = feed(tracker, 0, 60, 1000, 20);

      assertThat(changes).extracting(AlertChange::at).containsExactly(minutes(44));
    }

    @Test
    @DisplayName(
        "a gap in reporting neither resolves a firing alert nor makes it flap: the 5 min window's single minute still burns 20×")
    void gapKeepsTheAlert() {
      BurnRateTracker tracker = stable(PAGE_1H_ONLY);
      feed(tracker, 0, 40, 1000, 20);

      List<AlertChange> afterGap = tracker.observe(minute(50, 1000, 20));
      BurnRate shortWindow = tracker.snapshot().window(M5);
      List<AlertChange> cleanMinute = tracker.observe(minute(51, 1000, 0));

      assertThat(afterGap).isEmpty();
      assertThat(shortWindow.coverage()).isCloseTo(0.2, EPS);
      assertThat(shortWindow.burnRate()).isCloseTo(20, EPS);
      assertThat(cleanMinute).extracting(AlertChange::state).containsExactly(AlertState.RESOLVED);
    }

    @Test
    @DisplayName(
        "minRequests guards low traffic: 10 requests a minute with 1 error page at minute 9 by default, never with minRequests 100")
    void minRequestsGuardsLowTraffic() {
      BurnRateTracker byDefault = stable(PAGE_1H_ONLY);
      BurnRateTracker guarded = stable(PAGE_1H_ONLY.withMinRequests(100));

      // burn 100×; 1 h window: 100 × k/60 > 14.4 first at k = 9; the 5 min window never holds 100
      // requests
      assertThat(feed(byDefault, 0, 120, 10, 1))
          .extracting(AlertChange::at)
          .containsExactly(minutes(9));
      assertThat(feed(guarded, 0, 120, 10, 1)).isEmpty();
    }
  }

  @Nested
  class Event_time {

    @Test
    @DisplayName("windows in any order give the same burn rates as in order")
    void orderDoesNotChangeTheResult() {
      List<HealthWindow> windows = new ArrayList<>();
      for (int m = 0; m < 90; m++) {
        windows.add(minute(m, 1000 + m, (m * 7L) % 40));
      }
      List<HealthWindow> shuffled = new ArrayList<>(windows);
      Collections.shuffle(shuffled, new Random(42));
      List<HealthWindow> reversed = new ArrayList<>(windows);
      Collections.reverse(reversed);

      BurnRateSnapshot inOrder = fed(windows);
      for (BurnRateSnapshot other : List.of(fed(shuffled), fed(reversed))) {
        assertThat(other.asOf()).isEqualTo(minutes(90));
        for (int i = 0; i < inOrder.windows().size(); i++) {
          BurnRate expected = inOrder.windows().get(i);
          BurnRate actual = other.windows().get(i);
          assertThat(actual.requests())
              .as("%s", expected.window())
              .isCloseTo(expected.requests(), within(1e-6));
          assertThat(actual.errors())
              .as("%s", expected.window())
              .isCloseTo(expected.errors(), within(1e-6));
          assertThat(actual.coverage())
              .as("%s", expected.window())
              .isCloseTo(expected.coverage(), EPS);
        }
      }
    }

    @Test
    @DisplayName("a late window fills its gap without moving the watermark or the version")
    void lateWindowFillsItsGap() {
      BurnRateTracker tracker = stable(PAGE_1H_ONLY);
      feed(tracker, 0, 30, 1000, 20);
      feed(tracker, 31, 60, 1000, 20);
      BurnRate before = tracker.snapshot().window(H1);

      tracker.observe(
          window(Streams.SERVICE, Track.STABLE, "1.4.0", minutes(30), minutes(31), 1000, 0));

      BurnRateSnapshot after = tracker.snapshot();
      assertThat(before.coverage()).isCloseTo(59.0 / 60, EPS);
      assertThat(after.window(H1).coverage()).isCloseTo(1, EPS);
      assertThat(after.window(H1).burnRate())
          .as("1180 errors in 60000")
          .isCloseTo(1180.0 / 60, EPS);
      assertThat(after.asOf()).isEqualTo(minutes(60));
      assertThat(after.version()).isEqualTo(Streams.VERSION);
    }

    @Test
    @DisplayName("a window older than the longest window (3 d) changes nothing")
    void tooOldWindowIsIgnored() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      feed(tracker, 4 * 24 * 60, 4 * 24 * 60 + 10, 1000, 0);
      BurnRateSnapshot before = tracker.snapshot();

      List<AlertChange> changes = tracker.observe(minute(0, 1000, 1000));

      assertThat(changes).isEmpty();
      assertThat(tracker.snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName(
        "two monitors reporting the same minute add their requests and errors but cover the time once")
    void duplicateIntervalsCoverOnce() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      for (int m = 0; m < 5; m++) {
        tracker.observe(minute(m, 500, 10));
        tracker.observe(minute(m, 500, 10));
      }

      BurnRate fiveMinutes = tracker.snapshot().window(M5);

      assertThat(fiveMinutes.requests()).isCloseTo(5000, EPS);
      assertThat(fiveMinutes.errors()).isCloseTo(100, EPS);
      assertThat(fiveMinutes.coverage()).isCloseTo(1, EPS);
      assertThat(fiveMinutes.burnRate()).isCloseTo(20, EPS);
      assertThat(tracker.snapshot().window(H1).coverage())
          .as("5 of 60 minutes, not 10")
          .isCloseTo(5.0 / 60, EPS);
    }

    @Test
    @DisplayName(
        "a gap inside one bucket is not covered: minutes 0 and 2 cover 2 minutes of the 3 d window (72-minute buckets), not 3")
    void gapInsideABucketIsNotCovered() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      tracker.observe(minute(0, 1000, 0));
      tracker.observe(minute(2, 1000, 0));

      BurnRate threeDays = tracker.snapshot().window(Duration.ofDays(3));

      assertThat(threeDays.coverage()).isCloseTo(2.0 / (3 * 24 * 60), EPS);
      assertThat(threeDays.requests()).isCloseTo(2000, EPS);
    }

    @Test
    @DisplayName(
        "a 5-minute window overlapping a 1-minute one: 6000 requests, 100 errors (16.7×), coverage 1, not 1.2")
    void overlappingWindowsOfDifferentLengths() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      tracker.observe(window(Track.STABLE, minutes(0), minutes(5), 5000, 100));
      tracker.observe(window(Track.STABLE, minutes(2), minutes(3), 1000, 0));

      BurnRate fiveMinutes = tracker.snapshot().window(M5);

      assertThat(fiveMinutes.requests()).isCloseTo(6000, within(1e-6));
      assertThat(fiveMinutes.errors()).isCloseTo(100, within(1e-6));
      assertThat(fiveMinutes.coverage()).isCloseTo(1, EPS);
      assertThat(fiveMinutes.burnRate()).isCloseTo(100.0 / 6000 / 0.001, within(1e-6));
      assertThat(tracker.snapshot().window(H1).coverage())
          .as("5 of 60 minutes, not 6")
          .isCloseTo(5.0 / 60, EPS);
    }

    @Test
    @DisplayName(
        "a window straddling a window's start counts pro rata: half of minute 10 is in the hour ending at 70:30")
    void straddlingWindowCountsProRata() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      tracker.observe(minute(10, 1000, 60));
      feed(tracker, 11, 70, 1000, 0);
      tracker.observe(window(Track.STABLE, minutes(70), minutes(70).plusSeconds(30), 500, 0));

      BurnRate hour = tracker.snapshot().window(H1);

      // [10:30, 70:30): 500 requests and 30 errors of minute 10, 59 000 of minutes 11..69, 500 of
      // the last half minute
      assertThat(hour.requests()).isCloseTo(60_000, within(1e-6));
      assertThat(hour.errors()).isCloseTo(30, within(1e-9));
      assertThat(hour.burnRate()).isCloseTo(0.5, within(1e-9));
      assertThat(hour.coverage()).isCloseTo(1, EPS);
    }

    @Test
    @DisplayName(
        "a long window is spread evenly: 10 minutes then 30 s give the 5 min window 3200 requests and 27 errors (8.44×)")
    void longWindowIsSpreadEvenly() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      tracker.observe(window(Track.STABLE, minutes(0), minutes(10), 6000, 60));
      tracker.observe(window(Track.STABLE, minutes(10), minutes(10).plusSeconds(30), 500, 0));

      BurnRateSnapshot snapshot = tracker.snapshot();

      assertThat(snapshot.window(M5).requests()).isCloseTo(3200, within(1e-6));
      assertThat(snapshot.window(M5).errors()).isCloseTo(27, within(1e-9));
      assertThat(snapshot.window(M5).burnRate()).isCloseTo(27.0 / 3200 / 0.001, within(1e-6));
      assertThat(snapshot.window(H1).coverage()).isCloseTo(630.0 / 3600, EPS);
      assertThat(snapshot.window(H1).burnRate()).isCloseTo(60.0 / 6500 / 0.001, within(1e-6));
    }

    @Test
    @DisplayName(
        "a policy scaled to seconds behaves the same: 1-second windows at 2% fire a 1 min / 5 s page at 30 s")
    void secondsScalePolicy() {
      AlertRule fast =
          AlertRule.of(Severity.PAGE, Duration.ofSeconds(60), Duration.ofSeconds(5), 14.4);
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT.withRules(List.of(fast)));

      List<AlertChange> changes = new ArrayList<>();
      for (int s = 0; s < 60; s++) {
        changes.addAll(
            tracker.observe(
                window(Track.STABLE, T0.plusSeconds(s), T0.plusSeconds(s + 1), 100, 2)));
      }

      assertThat(fast.name()).isEqualTo("page-1m-5s");
      assertThat(changes).extracting(AlertChange::at).containsExactly(T0.plusSeconds(30));
    }
  }

  @Nested
  class Contract {

    @Test
    @DisplayName("a snapshot before any window shows every window empty and no alert")
    void emptySnapshot() {
      BurnRateSnapshot snapshot = stable(SloPolicy.DEFAULT).snapshot();

      assertThat(snapshot.asOf()).isNull();
      assertThat(snapshot.version()).isNull();
      assertThat(snapshot.windows())
          .extracting(BurnRate::window)
          .containsExactlyElementsOf(SloPolicy.DEFAULT.windows());
      assertThat(snapshot.windows()).allMatch(w -> w.burnRate() == 0 && !w.hasData());
      assertThat(snapshot.firing()).isEmpty();
    }

    @Test
    @DisplayName("resolveAll resolves each firing alert once, at the watermark")
    void resolveAll() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      feed(tracker, 0, 100, 1000, 25);

      List<AlertChange> resolved = tracker.resolveAll();

      assertThat(resolved)
          .extracting(
              c -> c.rule().name(), AlertChange::state, AlertChange::at, AlertChange::firedAt)
          .containsExactly(
              Tuple.tuple("page-1h-5m", AlertState.RESOLVED, minutes(100), minutes(30)),
              Tuple.tuple("page-6h-30m", AlertState.RESOLVED, minutes(100), minutes(87)));
      assertThat(tracker.resolveAll()).isEmpty();
      assertThat(tracker.snapshot().firing()).isEmpty();
    }

    @Test
    @DisplayName(
        "a window of another track or service, or with more errors than requests, is refused")
    void refusesForeignOrInconsistentWindows() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);

      assertThatThrownBy(() -> tracker.observe(window(Track.CANARY, minutes(0), minutes(1), 10, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("checkout/CANARY");
      assertThatThrownBy(
              () ->
                  tracker.observe(
                      window("search", Track.STABLE, "1", minutes(0), minutes(1), 10, 0)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> tracker.observe(minute(0, 10, 11)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("errors <= requests");
      assertThatThrownBy(() -> tracker.observe(window(Track.STABLE, minutes(1), minutes(1), 10, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("after windowStart");
    }
  }

  @Nested
  class Memory {

    @Test
    @DisplayName(
        "one minute holds 19 buckets of the seven windows (532 bytes): 12 of 5 s, 1 of every coarser window but the 30 s one's 2")
    void oneWindowHoldsAFewBuckets() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);

      tracker.observe(minute(0, 1000, 10));

      assertThat(tracker.bucketBytes()).isEqualTo(19 * 28).isEqualTo(532);
    }

    @Test
    @DisplayName(
        "an hour of minutes holds under 7 000 bytes (the three short rings full); three days fill all seven (427 buckets, 11 956 bytes) and a week never grows them")
    void steadyTrafficIsBounded() {
      BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
      long full = tracker.maxBucketBytes();

      feed(tracker, 0, 60, 1000, 1);
      long hour = tracker.bucketBytes();
      feed(tracker, 60, 3 * 24 * 60 + 1, 1000, 1);
      long threeDays = tracker.bucketBytes();
      feed(tracker, 3 * 24 * 60 + 1, 10 * 24 * 60, 1000, 1);

      assertThat(full).isEqualTo(7 * 61 * 28).isEqualTo(11_956);
      assertThat(hour).isLessThanOrEqualTo(7_000);
      assertThat(threeDays).isEqualTo(full);
      assertThat(tracker.bucketBytes()).isEqualTo(full);
    }
  }

  private static BurnRateSnapshot fed(List<HealthWindow> windows) {
    BurnRateTracker tracker = stable(SloPolicy.DEFAULT);
    windows.forEach(tracker::observe);
    return tracker.snapshot();
  }
}
