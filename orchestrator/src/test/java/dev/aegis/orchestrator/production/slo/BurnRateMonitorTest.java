package dev.aegis.orchestrator.production.slo;

import static dev.aegis.orchestrator.production.slo.Streams.minutes;
import static dev.aegis.orchestrator.production.slo.Streams.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.HealthWindow.Track;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Spring-free service the orchestrator wires: one tracker per (service, track). */
class BurnRateMonitorTest {

  private static final Duration H1 = Duration.ofHours(1);

  private static List<AlertChange> feed(
      BurnRateMonitor monitor, String service, Track track, int minutesFed, long errors) {
    List<AlertChange> changes = new ArrayList<>();
    for (int m = 0; m < minutesFed; m++) {
      changes.addAll(
          monitor.observe(window(service, track, "v1", minutes(m), minutes(m + 1), 1000, errors)));
    }
    return changes;
  }

  @Test
  @DisplayName(
      "each (service, track) burns its own budget: a failing canary pages, its clean stable track does not")
  void tracksAreSeparate() {
    BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);

    List<AlertChange> canary = feed(monitor, "checkout", Track.CANARY, 60, 20);
    List<AlertChange> stable = feed(monitor, "checkout", Track.STABLE, 60, 0);

    assertThat(canary)
        .extracting(AlertChange::eventId)
        .containsExactly("checkout/canary/page-1h-5m/2025-03-01T12:30:00Z/firing");
    assertThat(stable).isEmpty();
    assertThat(monitor.snapshot("checkout", Track.STABLE).orElseThrow().window(H1).burnRate())
        .isZero();
    assertThat(monitor.snapshot("checkout", Track.BASELINE)).isEmpty();
    assertThat(monitor.snapshots())
        .extracting(BurnRateSnapshot::track)
        .containsExactly(Track.CANARY, Track.STABLE);
    assertThat(monitor.size()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a policy per service: at 99% the same 2% errors that page checkout leave search alone")
  void policyPerService() {
    BurnRateMonitor monitor =
        new BurnRateMonitor(
            service -> service.equals("search") ? SloPolicy.workbook(0.99) : SloPolicy.DEFAULT);

    assertThat(feed(monitor, "checkout", Track.STABLE, 60, 20)).hasSize(1);
    assertThat(feed(monitor, "search", Track.STABLE, 60, 20)).isEmpty();
    assertThat(monitor.snapshot("search", Track.STABLE).orElseThrow().objective()).isEqualTo(0.99);
  }

  @Test
  @DisplayName(
      "retiring a track resolves its firing alerts once and forgets it; its next window starts afresh")
  void retireResolvesAndForgets() {
    BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);
    feed(monitor, "checkout", Track.CANARY, 40, 20);

    List<AlertChange> resolved = monitor.retire("checkout", Track.CANARY);

    assertThat(resolved)
        .extracting(AlertChange::eventId, AlertChange::at)
        .containsExactly(
            Tuple.tuple("checkout/canary/page-1h-5m/2025-03-01T12:30:00Z/resolved", minutes(40)));
    assertThat(monitor.retire("checkout", Track.CANARY)).isEmpty();
    assertThat(monitor.snapshot("checkout", Track.CANARY)).isEmpty();
    monitor.observe(window("checkout", Track.CANARY, "v2", minutes(40), minutes(41), 1000, 0));
    assertThat(monitor.snapshot("checkout", Track.CANARY).orElseThrow().window(H1).coverage())
        .isCloseTo(1.0 / 60, within(1e-12));
  }

  @Test
  @DisplayName("services fed from several threads at once each end with exactly their own windows")
  void concurrentServices() throws Exception {
    BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<AlertChange>>> results = new ArrayList<>();
      for (int s = 0; s < 8; s++) {
        String service = "svc-" + s;
        results.add(pool.submit(() -> feed(monitor, service, Track.STABLE, 60, 20)));
      }
      for (Future<List<AlertChange>> result : results) {
        assertThat(result.get()).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(monitor.snapshots())
        .hasSize(8)
        .allSatisfy(s -> assertThat(s.window(H1).requests()).isCloseTo(60_000, within(1e-6)));
  }

  @Test
  @DisplayName(
      "an idle track is retired: memory holds only tracks that still report, and its firing page resolves with the next window")
  void idleTracksAreRetired() {
    BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);
    assertThat(feed(monitor, "gone", Track.CANARY, 60, 20)).as("the page fires").hasSize(1);
    feed(monitor, "alive", Track.STABLE, 120, 0);

    int retired = monitor.retireIdle(minutes(90));

    assertThat(retired).isEqualTo(1);
    assertThat(monitor.size()).isEqualTo(1);
    assertThat(monitor.snapshot("gone", Track.CANARY)).isEmpty();
    List<AlertChange> next =
        monitor.observe(window("alive", Track.STABLE, "v1", minutes(120), minutes(121), 1000, 0));
    assertThat(next)
        .extracting(AlertChange::eventId)
        .containsExactly("gone/canary/page-1h-5m/2025-03-01T12:30:00Z/resolved");
    assertThat(
            monitor.observe(
                window("alive", Track.STABLE, "v1", minutes(121), minutes(122), 1000, 0)))
        .as("handed out once")
        .isEmpty();
  }

  @Test
  @DisplayName("a track that reported after the cutoff is kept")
  void recentTracksStay() {
    BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);
    feed(monitor, "checkout", Track.STABLE, 10, 0);

    assertThat(monitor.retireIdle(minutes(10))).isZero();
    assertThat(monitor.retireIdle(minutes(11))).isEqualTo(1);
    assertThat(monitor.size()).isZero();
  }

  @Test
  @DisplayName(
      "a service handed over to another replica is forgotten here without resolving its alerts; other services stay")
  void handOverDropsTheServiceSilently() {
    BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);
    feed(monitor, "checkout", Track.CANARY, 60, 20);
    feed(monitor, "checkout", Track.STABLE, 5, 0);
    feed(monitor, "search", Track.STABLE, 5, 0);

    int dropped = monitor.handOver(null, "checkout");

    assertThat(dropped).isEqualTo(2);
    assertThat(monitor.snapshot("checkout", Track.CANARY)).isEmpty();
    assertThat(monitor.snapshot("search", Track.STABLE)).isPresent();
    assertThat(monitor.retire("checkout", Track.CANARY))
        .as("nothing left to resolve: the new owner carries the alert")
        .isEmpty();
    assertThat(monitor.handOver("other-namespace", "search")).isZero();
  }

  @Test
  @DisplayName(
      "handing over many services at once drops exactly the tracks that handing them over one by one"
          + " drops, namespaces and services without one included")
  void handOverOfManyServicesAtOnceMatchesOneByOne() {
    java.util.Random random = new java.util.Random(11);
    String[] namespaces = {null, "shop", "pay", "ops"};
    for (int trial = 0; trial < 20; trial++) {
      BurnRateMonitor atOnce = new BurnRateMonitor(SloPolicy.DEFAULT);
      BurnRateMonitor oneByOne = new BurnRateMonitor(SloPolicy.DEFAULT);
      for (int i = 0; i < 60; i++) {
        String namespace = namespaces[random.nextInt(namespaces.length)];
        String service = "svc-" + random.nextInt(25);
        Track track = Track.values()[random.nextInt(Track.values().length)];
        var w = window(service, track, "v1", minutes(i), minutes(i + 1), 1000, 0);
        atOnce.observe(namespace == null ? w : w.inNamespace(namespace));
        oneByOne.observe(namespace == null ? w : w.inNamespace(namespace));
      }
      List<BurnRateMonitor.ServiceName> handed = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        handed.add(
            new BurnRateMonitor.ServiceName(
                namespaces[random.nextInt(namespaces.length)], "svc-" + random.nextInt(25)));
      }
      int expected = 0;
      for (BurnRateMonitor.ServiceName s : handed) {
        expected += oneByOne.handOver(s.namespace(), s.service());
      }
      assertThat(atOnce.handOver(handed)).as("trial %d: tracks dropped", trial).isEqualTo(expected);
      assertThat(atOnce.size()).as("trial %d: tracks left", trial).isEqualTo(oneByOne.size());
      for (int i = 0; i < 25; i++) {
        for (String namespace : namespaces) {
          for (Track track : Track.values()) {
            assertThat(atOnce.snapshot(namespace, "svc-" + i, track).isPresent())
                .as("trial %d: %s/svc-%d %s", trial, namespace, i, track)
                .isEqualTo(oneByOne.snapshot(namespace, "svc-" + i, track).isPresent());
          }
        }
      }
    }
  }

  /**
   * Windows of three services' stable tracks, seeded: one-minute and longer windows, late ones,
   * error bursts that fire and resolve pages, and a long gap that moves every ring's head past its
   * whole span.
   */
  private static List<HealthWindow> windows(Random random, int from, int count) {
    List<HealthWindow> out = new ArrayList<>(count);
    int minute = from;
    for (int i = 0; i < count; i++) {
      minute += random.nextInt(10) == 0 ? random.nextInt(3 * 24 * 60) : 1 + random.nextInt(3);
      int start = random.nextInt(8) == 0 ? minute - 30 - random.nextInt(600) : minute;
      int length = random.nextInt(6) == 0 ? 5 + random.nextInt(300) : 1;
      long requests = 1 + random.nextInt(2000);
      long errors = random.nextInt(3) == 0 ? requests * random.nextInt(30) / 100 : 0;
      out.add(
          window(
              "svc-" + random.nextInt(3),
              Track.STABLE,
              "v" + random.nextInt(2),
              minutes(start),
              minutes(start + length),
              requests,
              errors));
    }
    return out;
  }

  @Test
  @DisplayName(
      "windows taken back by their journal leave every track as it was, and fed again fire the"
          + " same alerts as the first time")
  void journalUndoesItsWindows() {
    for (long seed = 1; seed <= 40; seed++) {
      Random random = new Random(seed);
      BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);
      BurnRateMonitor once = new BurnRateMonitor(SloPolicy.DEFAULT);
      // A history for some services only: the journal also creates tracks and grows young rings.
      for (HealthWindow w : windows(random, 0, random.nextInt(300))) {
        if (!w.service().equals("svc-2")) {
          monitor.observe(w);
          once.observe(w);
        }
      }
      List<BurnRateSnapshot> before = monitor.snapshots();
      List<HealthWindow> batch = windows(random, 20_000, 1 + random.nextInt(120));

      BurnRateMonitor.Journal journal = monitor.journal();
      List<AlertChange> first = new ArrayList<>();
      batch.forEach(w -> first.addAll(monitor.observe(w, journal)));
      journal.undo();

      assertThat(monitor.snapshots()).as("seed %d: after the undo", seed).isEqualTo(before);
      List<AlertChange> again = new ArrayList<>();
      batch.forEach(w -> again.addAll(monitor.observe(w)));
      List<AlertChange> fedOnce = new ArrayList<>();
      batch.forEach(w -> fedOnce.addAll(once.observe(w)));
      assertThat(again).as("seed %d: changes fed again", seed).isEqualTo(first).isEqualTo(fedOnce);
      assertThat(monitor.snapshots()).as("seed %d: fed again", seed).isEqualTo(once.snapshots());
    }
  }

  @Test
  @DisplayName("a window taken back makes its page fire again, and its tracker is dropped if new")
  void undoneAlertFiresAgain() {
    BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);
    feed(monitor, "checkout", Track.STABLE, 29, 20);
    var page = window("checkout", Track.STABLE, "v1", minutes(29), minutes(30), 1000, 20);

    BurnRateMonitor.Journal journal = monitor.journal();
    assertThat(monitor.observe(page, journal)).as("fired in the rolled-back batch").hasSize(1);
    monitor.observe(
        window("search", Track.CANARY, "v2", minutes(29), minutes(30), 1000, 0), journal);
    journal.undo();

    assertThat(monitor.snapshot("search", Track.CANARY)).as("a track the batch created").isEmpty();
    assertThat(monitor.observe(page))
        .extracting(AlertChange::eventId)
        .containsExactly("checkout/stable/page-1h-5m/2025-03-01T12:30:00Z/firing");
  }

  @Test
  @DisplayName(
      "a retired track's RESOLVED change handed out in a rolled-back batch is handed out again")
  void undoneHandOutIsRequeued() {
    BurnRateMonitor monitor = new BurnRateMonitor(SloPolicy.DEFAULT);
    feed(monitor, "gone", Track.CANARY, 60, 20);
    feed(monitor, "alive", Track.STABLE, 120, 0);
    monitor.retireIdle(minutes(90));

    BurnRateMonitor.Journal journal = monitor.journal();
    assertThat(
            monitor.observe(
                window("alive", Track.STABLE, "v1", minutes(120), minutes(121), 1000, 0), journal))
        .hasSize(1);
    journal.undo();

    assertThat(
            monitor.observe(
                window("alive", Track.STABLE, "v1", minutes(120), minutes(121), 1000, 0)))
        .extracting(AlertChange::eventId)
        .containsExactly("gone/canary/page-1h-5m/2025-03-01T12:30:00Z/resolved");
  }
}
