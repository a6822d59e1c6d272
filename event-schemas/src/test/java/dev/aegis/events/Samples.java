package dev.aegis.events;

import dev.aegis.events.data.ActuationAlarmed;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.FailedCheck;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.LifecycleTransitioned;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.events.data.SloBurnRateAlerted;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import dev.aegis.events.data.TimelineEntry;
import dev.aegis.events.data.Track;
import dev.aegis.events.data.WindowSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Event data built in Java, one valid sample per type. */
final class Samples {

  static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

  private Samples() {}

  static Object of(EventType type) {
    return switch (type) {
      case HEALTH_REPORTED -> health();
      case EXPERIMENT_SUBMITTED -> experiment();
      case CHAOS_INJECTED, CHAOS_CLEARED -> fault();
      case LIFECYCLE_TRANSITIONED -> transition();
      case RCA_RECORDED -> rca();
      case ACTUATION_ALARMED -> alarm();
      case SLO_BURN_RATE_ALERTED -> burnRateAlert();
    };
  }

  static HealthReported health() {
    return new HealthReported(
        "checkout",
        "1.4.2",
        Track.CANARY,
        T0,
        T0.plusSeconds(60),
        1200,
        6,
        new Latency(42.5, 180, 410.25),
        0.63,
        null);
  }

  static ExperimentSubmitted experiment() {
    PolicySpec policy =
        new PolicySpec(
            List.of(
                new StepSpec(10, Duration.ofHours(24)),
                new StepSpec(50, Duration.ofHours(48)),
                new StepSpec(100, Duration.ofDays(7))),
            new SloSpec(0.02, 3000.0),
            500L,
            Duration.ofMinutes(15));
    return new ExperimentSubmitted(
        "checkout",
        "shop",
        new Candidate("1.4.2", "registry.example.com/shop/checkout:1.4.2"),
        policy);
  }

  static ExperimentSubmitted experimentWithDefaults() {
    return new ExperimentSubmitted(
        "checkout",
        "shop",
        new Candidate("1.4.2", "registry.example.com/shop/checkout:1.4.2"),
        null);
  }

  static ChaosFault fault() {
    return new ChaosFault("f-7c1e", "checkout", Track.CANARY, "latency", T0, T0.plusSeconds(600));
  }

  static LifecycleTransitioned transition() {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("errorRate", 0.004);
    evidence.put("windows", 1440);
    evidence.put("baselineVersion", null);
    evidence.put("verdict", "pass");
    return new LifecycleTransitioned(
        "exp-01HQ3Z6",
        "checkout",
        "CANARY",
        "CANARY",
        "step-passed",
        "system",
        T0,
        1,
        50,
        evidence);
  }

  static RcaRecorded rca() {
    return new RcaRecorded(
        "exp-01HQ3Z6",
        "checkout",
        "shop",
        "1.4.2",
        "registry.example.com/shop/checkout:1.4.2",
        "1.4.1",
        1,
        50,
        "Canary 1.4.2 at 50% breached the error-rate objective.",
        List.of(
            new FailedCheck("error-rate", 0.041, 0.02, "<", "error rate 4.1% must stay below 2%")),
        List.of(new WindowSummary(Track.CANARY, "1.4.2", T0, T0.plusSeconds(60), 2000, 82, 240)),
        List.of(fault()),
        List.of(
            new TimelineEntry("SUBMITTED", "CANARY", "started", "system", T0),
            new TimelineEntry(
                "CANARY", "ROLLING_BACK", "slo-breached", "system", T0.plusSeconds(60))),
        T0.plusSeconds(90));
  }

  static ActuationAlarmed alarm() {
    return new ActuationAlarmed(
        "exp-01HQ3Z6",
        "checkout",
        "shop",
        "exp-01HQ3Z6/cmd/7",
        "RollBackCandidate",
        5,
        "PATCH deployments/checkout-canary in shop: 503 Service Unavailable",
        T0.plusSeconds(390),
        "ROLLING_BACK");
  }

  static ActuationAlarmed alarmWithoutPhase() {
    ActuationAlarmed alarm = alarm();
    return new ActuationAlarmed(
        alarm.experimentId(),
        alarm.service(),
        alarm.namespace(),
        alarm.commandId(),
        alarm.commandKind(),
        alarm.failures(),
        alarm.problem(),
        alarm.raisedAt(),
        null);
  }

  static SloBurnRateAlerted burnRateAlert() {
    return new SloBurnRateAlerted(
        "checkout",
        Track.STABLE,
        "1.4.1",
        "page-1h-5m",
        "page",
        "firing",
        Duration.ofHours(1),
        Duration.ofMinutes(5),
        14.4,
        20.0,
        20.0,
        0.999,
        T0.plusSeconds(1800),
        T0.plusSeconds(1800));
  }

  static SloBurnRateAlerted burnRateResolvedWithoutVersion() {
    return new SloBurnRateAlerted(
        "checkout",
        Track.CANARY,
        null,
        "ticket-3d-6h",
        "ticket",
        "resolved",
        Duration.ofDays(3),
        Duration.ofHours(6),
        1,
        1.2,
        0.8,
        0.999,
        T0,
        T0.plusSeconds(7200));
  }
}
