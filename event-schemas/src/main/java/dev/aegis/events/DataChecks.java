package dev.aegis.events;

import dev.aegis.events.data.AnalysisSpec;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.events.data.SloBurnRateAlerted;
import dev.aegis.events.data.StepSpec;
import dev.aegis.events.data.WindowSummary;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules JSON Schema cannot express: relations between fields and order within lists. They run
 * on the bound record, after the schema passed, so every field they read is present and in range. A
 * broken rule rejects with {@link RejectionReason#INVALID_DATA} at the pointer of the field that is
 * wrong relative to the others (the later one).
 */
final class DataChecks {

  /**
   * Checks {@code data}, which must be {@code type}'s record.
   *
   * @throws Rejection with {@link RejectionReason#INVALID_DATA} listing the broken rules
   */
  void requireValid(EventType type, Object data) {
    List<Violation> violations = new ArrayList<>(0);
    switch (type) {
      case HEALTH_REPORTED -> health((HealthReported) data, violations);
      case EXPERIMENT_SUBMITTED -> experiment((ExperimentSubmitted) data, violations);
      case CHAOS_INJECTED, CHAOS_CLEARED -> chaos((ChaosFault) data, violations);
      case RCA_RECORDED -> rca((RcaRecorded) data, violations);
      case SLO_BURN_RATE_ALERTED -> burnRateAlert((SloBurnRateAlerted) data, violations);
      case LIFECYCLE_TRANSITIONED, ACTUATION_ALARMED -> {
        // The orchestrator owns its states, reasons and commands; nothing relates their fields.
      }
    }
    if (!violations.isEmpty()) {
      throw Violation.reject(RejectionReason.INVALID_DATA, "invalid data", violations);
    }
  }

  private static void health(HealthReported health, List<Violation> out) {
    window("", health.windowStart(), health.windowEnd(), out);
    errorsWithinRequests("", health.errors(), health.requests(), out);
    percentiles(health.latencyMs(), out);
  }

  private static void percentiles(Latency latency, List<Violation> out) {
    if (latency.p95() < latency.p50()) {
      out.add(new Violation("/latencyMs/p95", "must be >= p50 (" + number(latency.p50()) + ")"));
    }
    if (latency.p99() < latency.p95()) {
      out.add(new Violation("/latencyMs/p99", "must be >= p95 (" + number(latency.p95()) + ")"));
    }
  }

  private static void experiment(ExperimentSubmitted experiment, List<Violation> out) {
    PolicySpec policy = experiment.policy();
    if (policy == null) {
      return;
    }
    if (policy.steps() != null) {
      steps(policy.steps(), out);
    }
    Duration maxSilence = policy.maxSilence();
    if (maxSilence != null && (maxSilence.isZero() || maxSilence.isNegative())) {
      out.add(new Violation("/policy/maxSilence", "must be longer than zero"));
    }
    AnalysisSpec analysis = policy.analysis();
    if (analysis != null
        && analysis.marginalScore() != null
        && analysis.passScore() != null
        && analysis.marginalScore() > analysis.passScore()) {
      out.add(
          new Violation(
              "/policy/analysis/marginalScore",
              "must not be above passScore (" + number(analysis.passScore()) + ")"));
    }
  }

  /**
   * Weights ascend strictly and end at 100, so every step widens exposure and the last promotes.
   */
  private static void steps(List<StepSpec> steps, List<Violation> out) {
    for (int i = 1; i < steps.size(); i++) {
      int previous = steps.get(i - 1).weight();
      if (steps.get(i).weight() <= previous) {
        out.add(
            new Violation(
                weightPointer(i),
                "must be greater than the previous step's weight ("
                    + previous
                    + "); weights ascend strictly"));
      }
    }
    int last = steps.size() - 1;
    int lastWeight = steps.get(last).weight();
    if (lastWeight != 100) {
      out.add(
          new Violation(
              weightPointer(last),
              "the last step must route 100% of traffic, found " + lastWeight));
    }
  }

  private static String weightPointer(int step) {
    return "/policy/steps/" + step + "/weight";
  }

  private static void chaos(ChaosFault fault, List<Violation> out) {
    if (!fault.expiresAt().isAfter(fault.startedAt())) {
      out.add(new Violation("/expiresAt", "must be after startedAt (" + fault.startedAt() + ")"));
    }
  }

  private static void rca(RcaRecorded rca, List<Violation> out) {
    List<WindowSummary> windows = rca.windows();
    for (int i = 0; i < windows.size(); i++) {
      WindowSummary window = windows.get(i);
      String pointer = Violation.child("/windows", i);
      window(pointer, window.windowStart(), window.windowEnd(), out);
      errorsWithinRequests(pointer, window.errors(), window.requests(), out);
    }
    for (int i = 0; i < rca.activeFaults().size(); i++) {
      ChaosFault fault = rca.activeFaults().get(i);
      if (!fault.expiresAt().isAfter(fault.startedAt())) {
        out.add(
            new Violation(
                Violation.child("/activeFaults", i) + "/expiresAt",
                "must be after startedAt (" + fault.startedAt() + ")"));
      }
    }
  }

  /**
   * The short window is the shorter one; a change never precedes its firing, and a firing is one.
   */
  private static void burnRateAlert(SloBurnRateAlerted alert, List<Violation> out) {
    if (alert.shortWindow().isZero() || alert.shortWindow().isNegative()) {
      out.add(new Violation("/shortWindow", "must be longer than zero"));
    } else if (alert.shortWindow().compareTo(alert.longWindow()) >= 0) {
      out.add(
          new Violation(
              "/shortWindow", "must be shorter than longWindow (" + alert.longWindow() + ")"));
    }
    if (alert.at().isBefore(alert.firedAt())) {
      out.add(new Violation("/at", "must not be before firedAt (" + alert.firedAt() + ")"));
    } else if ("firing".equals(alert.state()) && !alert.at().equals(alert.firedAt())) {
      out.add(
          new Violation(
              "/at", "must equal firedAt (" + alert.firedAt() + ") when the alert is firing"));
    }
  }

  private static void window(String at, Instant start, Instant end, List<Violation> out) {
    if (!end.isAfter(start)) {
      out.add(new Violation(at + "/windowEnd", "must be after windowStart (" + start + ")"));
    }
  }

  private static void errorsWithinRequests(
      String at, long errors, long requests, List<Violation> out) {
    if (errors > requests) {
      out.add(new Violation(at + "/errors", "must not exceed requests (" + requests + ")"));
    }
  }

  /** Prints 120.0 as 120 and 0.25 as 0.25, the way the number most likely appeared in the JSON. */
  private static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
