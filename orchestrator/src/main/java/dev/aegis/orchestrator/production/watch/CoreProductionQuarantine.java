package dev.aegis.orchestrator.production.watch;

import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.guard.GuardAction;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quarantines a version rolled back from production through the core: its PROMOTED experiment
 * receives a {@link LifecycleInput.ProductionBreach} and moves to QUARANTINED; the decision
 * recorder writes the transition, the RCA (the breach as its failed check) and the events, as for a
 * failed canary step.
 */
public class CoreProductionQuarantine implements ProductionQuarantine {

  private static final Logger log = LoggerFactory.getLogger(CoreProductionQuarantine.class);

  private final ExperimentRepository experiments;
  private final LifecycleService lifecycle;

  public CoreProductionQuarantine(ExperimentRepository experiments, LifecycleService lifecycle) {
    this.experiments = experiments;
    this.lifecycle = lifecycle;
  }

  @Override
  public void quarantine(
      Tx h,
      String namespace,
      String service,
      String version,
      GuardAction.Evidence why,
      Instant now) {
    var promoted = experiments.findPromotedForUpdate(h, namespace, service, version);
    if (promoted.isEmpty()) {
      log.warn(
          "{} {} was rolled back from production but no PROMOTED experiment made it V2",
          service,
          version);
      return;
    }
    lifecycle.apply(
        h,
        promoted.get().experiment().id(),
        new LifecycleInput.ProductionBreach(
            check(why.signal()),
            why.observed(),
            why.threshold(),
            why.sustainedSeconds(),
            why.summary()),
        new LifecycleService.Cause(ProductionWatch.ACTOR + ":" + why.signal()),
        now);
  }

  private static String check(String signal) {
    return switch (signal) {
      case "error-rate" -> Check.ERROR_RATE;
      case "p95-latency" -> Check.P95_LATENCY;
      case "cpu" -> Check.CPU;
      default -> Check.SLO_BURN_RATE;
    };
  }
}
