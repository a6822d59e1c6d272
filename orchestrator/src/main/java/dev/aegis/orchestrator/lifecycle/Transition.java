package dev.aegis.orchestrator.lifecycle;

import dev.aegis.orchestrator.judgment.Judgment;
import java.time.Instant;

/**
 * One move of the lifecycle, recorded forever: from, to, why, who, on what evidence, when.
 *
 * @param step 1-based step the experiment is on after the move (0 before any canary step)
 * @param weight traffic weight of the candidate after the move
 * @param evidence the judgment behind an automatic move, or null for a manual one
 * @param at wall time of the decision
 */
public record Transition(
    Phase from,
    Phase to,
    Trigger trigger,
    int step,
    int weight,
    String reason,
    String actor,
    Judgment evidence,
    Instant at) {

  /** The actor name of decisions Aegis takes by itself. */
  public static final String AEGIS = "aegis";
}
