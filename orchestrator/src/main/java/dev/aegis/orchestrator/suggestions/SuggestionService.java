package dev.aegis.orchestrator.suggestions;

import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.TransitionRepository.SloUse;
import dev.aegis.orchestrator.persistence.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The experiment generator: rules over what Aegis recorded (transitions with their judgments, RCAs,
 * the audit log) that propose the next experiment. Each rule is a query plus a threshold, and each
 * suggestion carries the figures it rests on.
 *
 * <ul>
 *   <li>{@code shorter-steps}: the last {@value #MIN_EXPERIMENTS}+ promoted experiments of a
 *       service passed every step with wide margins (error rate under a quarter of the SLO, p95
 *       under half of it), so its steps could be shorter;
 *   <li>{@code production-keeps-scaling}: production was scaled up by Aegis {@value
 *       #MIN_SCALE_UPS}+ times in {@link #SCALE_WINDOW}, so its base capacity or resource limits
 *       are too small;
 *   <li>{@code latency-quarantine}: a quarantined version failed on latency, so re-running it with
 *       the previous version's resource limits tells a capacity problem from a code problem.
 * </ul>
 */
public class SuggestionService {

  static final int MIN_EXPERIMENTS = 3;
  static final int MIN_SCALE_UPS = 3;
  static final Duration SCALE_WINDOW = Duration.ofDays(7);
  static final double ERROR_MARGIN = 0.25;
  static final double LATENCY_MARGIN = 0.5;

  private final Transactions transactions;
  private final Clock clock;
  private final TransitionRepository transitions;
  private final AuditRepository audit;
  private final RcaRepository rcas;

  public SuggestionService(
      Transactions transactions,
      Clock clock,
      TransitionRepository transitions,
      AuditRepository audit,
      RcaRepository rcas) {
    this.transactions = transactions;
    this.clock = clock;
    this.transitions = transitions;
    this.audit = audit;
    this.rcas = rcas;
  }

  public List<Suggestion> suggestions() {
    return transactions.withHandle(
        h -> {
          List<Suggestion> out = new ArrayList<>();
          out.addAll(shorterSteps(h));
          out.addAll(productionKeepsScaling(h));
          out.addAll(latencyQuarantines(h));
          return out;
        });
  }

  private List<Suggestion> shorterSteps(Tx h) {
    // Per service: its promoted experiments, and over all their passed steps the largest share of
    // the SLO used.
    List<Suggestion> out = new ArrayList<>();
    for (SloUse use : transitions.sloUseOfPromoted(h)) {
      String service = use.service();
      int experiments = use.experiments();
      double errorUsed = use.errorUsed();
      double latencyUsed = use.latencyUsed();
      if (experiments < MIN_EXPERIMENTS
          || errorUsed > ERROR_MARGIN
          || latencyUsed > LATENCY_MARGIN) {
        continue;
      }
      Map<String, Object> evidence = new LinkedHashMap<>();
      evidence.put("promotedExperiments", experiments);
      evidence.put("passedSteps", use.steps());
      evidence.put("maxErrorRateShareOfSlo", round(errorUsed));
      evidence.put("maxP95ShareOfSlo", round(latencyUsed));
      out.add(
          new Suggestion(
              "shorter-steps",
              service,
              "Shorter canary steps for " + service,
              String.format(
                  Locale.ROOT,
                  "The last %d promoted experiments of %s passed all %d steps using at most "
                      + "%.0f%% of the error-rate objective and %.0f%% of the p95 objective. Try steps half as long.",
                  experiments,
                  service,
                  use.steps(),
                  errorUsed * 100,
                  latencyUsed * 100),
              evidence,
              use.namespace()));
    }
    return out;
  }

  private List<Suggestion> productionKeepsScaling(Tx h) {
    Instant since = clock.instant().minus(SCALE_WINDOW);
    return audit.scaleUpsSince(h, since, MIN_SCALE_UPS).stream()
        .map(
            s -> {
              String service = s.service();
              Map<String, Object> evidence = new LinkedHashMap<>();
              evidence.put("scaleUps", s.count());
              evidence.put("days", SCALE_WINDOW.toDays());
              evidence.put("lastAt", s.lastAt().toString());
              evidence.put("lastReason", s.lastReason());
              return new Suggestion(
                  "production-keeps-scaling",
                  service,
                  "Raise the base capacity of " + service,
                  "Aegis scaled production of "
                      + service
                      + " up "
                      + s.count()
                      + " times in "
                      + SCALE_WINDOW.toDays()
                      + " days (last: "
                      + s.lastReason()
                      + "). Run an experiment "
                      + "with more replicas or higher CPU/memory limits as the candidate.",
                  evidence,
                  s.namespace());
            })
        .toList();
  }

  private List<Suggestion> latencyQuarantines(Tx h) {
    return rcas.openLatencyQuarantines(h).stream()
        .map(
            q -> {
              String service = q.service();
              String version = q.candidateVersion();
              Map<String, Object> evidence = new LinkedHashMap<>();
              evidence.put("rca", "/api/v1/quarantine/" + q.id() + "/rca");
              evidence.put("quarantinedVersion", version);
              evidence.put("productionVersion", q.productionVersion());
              return new Suggestion(
                  "latency-quarantine",
                  service,
                  "Re-run " + service + " " + version + " with the previous resource limits",
                  service
                      + " "
                      + version
                      + " was quarantined for p95 latency. Re-run it with the resource limits of "
                      + (q.productionVersion() == null ? "production" : q.productionVersion())
                      + ": if it passes, the limits (not the code) caused the slowdown.",
                  evidence,
                  q.namespace());
            })
        .toList();
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
