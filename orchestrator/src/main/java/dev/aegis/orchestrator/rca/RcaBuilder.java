package dev.aegis.orchestrator.rca;

import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.FailedCheck;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.events.data.TimelineEntry;
import dev.aegis.events.data.Track;
import dev.aegis.events.data.WindowSummary;
import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.Comparison;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Transition;
import dev.aegis.orchestrator.persistence.ChaosRepository;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Builds the root-cause-analysis record of a quarantine from the failing judgment, the windows the
 * step used (canary, and the baseline or stable windows it was compared with, each saying its track
 * and the chaos faults active on that track during it), the faults active during the step and the
 * experiment's timeline. Pure: the caller reads those facts in the transaction that quarantines.
 *
 * <p>{@code failedStep} is the 0-based index of the failed step, as the schema of {@code
 * dev.aegis.rca.recorded.v1} says (the experiment's {@code stepIndex}); the judgment counts steps
 * from 1, as people do, and its summary keeps saying "step N".
 */
public final class RcaBuilder {

  private RcaBuilder() {}

  public static RcaRecorded build(
      Experiment quarantined,
      Judgment failed,
      List<HealthWindow> windows,
      List<ChaosRepository.Fault> faults,
      List<Transition> timeline,
      Instant now) {
    // The quality checks that failed; when none did (a step failed for lack of evidence), what was
    // missing.
    List<Check> failing =
        failed.failedChecks().isEmpty()
            ? failed.checks().stream().filter(c -> !c.passed()).toList()
            : failed.failedChecks();
    List<FailedCheck> checks = failing.stream().map(RcaBuilder::explain).toList();
    String faultNote =
        faults.isEmpty()
            ? ""
            : "; chaos active then: "
                + String.join(
                    ", ",
                    faults.stream()
                        .map(f -> f.kind() + " on " + f.track() + " (" + f.faultId() + ")")
                        .toList());
    return new RcaRecorded(
        quarantined.id(),
        quarantined.service(),
        quarantined.namespace(),
        quarantined.candidate().version(),
        quarantined.candidate().image(),
        quarantined.productionVersion(),
        stepIndex(failed),
        failed.weight(),
        failed.summary() + faultNote,
        checks,
        windows.stream().map(w -> summary(w, faults)).toList(),
        faults.stream().map(RcaBuilder::fault).toList(),
        timeline.stream()
            .map(
                t ->
                    new TimelineEntry(
                        t.from() == null ? null : t.from().name(),
                        t.to().name(),
                        t.reason(),
                        t.actor(),
                        t.at()))
            .toList(),
        now);
  }

  /** The 0-based index of the judged step ({@link Judgment#step()} is 1-based). */
  static int stepIndex(Judgment failed) {
    return failed.step() - 1;
  }

  private static FailedCheck explain(Check c) {
    String message =
        switch (c.name()) {
          case Check.ERROR_RATE ->
              String.format(
                  Locale.ROOT,
                  "error rate %.2f%% is not below the %.2f%% SLO",
                  c.observed() * 100,
                  c.threshold() * 100);
          case Check.P95_LATENCY ->
              String.format(
                  Locale.ROOT,
                  "p95 latency %.0f ms is not below the %.0f ms SLO",
                  c.observed(),
                  c.threshold());
          case Check.SEVERE_ERROR_RATE ->
              String.format(
                  Locale.ROOT,
                  "error rate %.2f%% reached the severe limit %.2f%%: the step failed at once",
                  c.observed() * 100,
                  c.threshold() * 100);
          case Check.SEVERE_P95_LATENCY ->
              String.format(
                  Locale.ROOT,
                  "p95 latency %.0f ms reached the severe limit %.0f ms: the step failed at once",
                  c.observed(),
                  c.threshold());
          default ->
              c.explanation() != null
                  ? c.explanation()
                  : String.format(
                      Locale.ROOT,
                      "%s: observed %s, needed %s %s",
                      c.name(),
                      c.observed(),
                      c.comparison(),
                      c.threshold());
        };
    Comparison t = c.test();
    return new FailedCheck(
        c.name(),
        c.observed(),
        c.threshold(),
        c.comparison(),
        message,
        c.classification() == null ? null : c.classification().name().toLowerCase(Locale.ROOT),
        t == null ? null : t.against(),
        c.baseline(),
        t == null ? null : t.test(),
        t == null ? null : t.statistic(),
        t == null ? null : t.pValue(),
        t == null ? null : t.confidence(),
        t == null ? null : t.tolerance(),
        t == null ? null : t.canaryWindows(),
        t == null ? null : t.baselineWindows());
  }

  /** The window, tagged with the faults active on its own track during it. */
  private static WindowSummary summary(HealthWindow w, List<ChaosRepository.Fault> faults) {
    List<String> tags =
        faults.stream()
            .filter(f -> f.track().equalsIgnoreCase(w.track().name()))
            .filter(f -> f.startedAt().isBefore(w.windowEnd()) && end(f).isAfter(w.windowStart()))
            .map(ChaosRepository.Fault::faultId)
            .toList();
    return new WindowSummary(
        Track.valueOf(w.track().name()),
        w.version(),
        w.windowStart(),
        w.windowEnd(),
        w.requests(),
        w.errors(),
        w.p95Ms(),
        tags);
  }

  private static Instant end(ChaosRepository.Fault f) {
    return f.clearedAt() != null && f.clearedAt().isBefore(f.expiresAt())
        ? f.clearedAt()
        : f.expiresAt();
  }

  private static ChaosFault fault(ChaosRepository.Fault f) {
    return new ChaosFault(
        f.faultId(),
        f.service(),
        Track.fromWire(f.track()),
        f.kind(),
        f.startedAt(),
        f.expiresAt());
  }
}
