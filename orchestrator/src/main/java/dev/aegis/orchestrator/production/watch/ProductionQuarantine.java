package dev.aegis.orchestrator.production.watch;

import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.guard.GuardAction;
import java.time.Instant;

/**
 * Puts a version that was rolled back from production into V3: its experiment moves PROMOTED →
 * QUARANTINED through the core, with an RCA holding the guard's evidence, so the image is refused
 * until released.
 */
@FunctionalInterface
public interface ProductionQuarantine {

  void quarantine(
      Tx h,
      String namespace,
      String service,
      String version,
      GuardAction.Evidence why,
      Instant now);
}
