package dev.aegis.orchestrator.bench.quality;

import java.time.Instant;
import java.util.Optional;

/**
 * Something that decides a canary from its health windows. One instance judges one run: it is fed
 * the run's windows in event-time order until it returns a decision, and is never fed after that.
 */
interface Judge {

  /**
   * Takes the next window of the run (either track).
   *
   * @return the decision, the first time one is reached; empty while the canary is still being
   *     judged
   */
  Optional<Outcome> observe(SimWindow window);

  /** What a judge can conclude. */
  enum Decision {
    /** The candidate goes to production. */
    PROMOTE,
    /** The candidate is rolled back (Aegis: and quarantined). */
    ROLLBACK,
    /** Neither: the canary is held for a human (Aegis PAUSED, Argo Rollouts Inconclusive). */
    PAUSE
  }

  /**
   * @param at event time of the window on which the decision was reached
   * @param detail one line on why, for reading runs by hand
   */
  record Outcome(Decision decision, Instant at, String detail) {}
}
