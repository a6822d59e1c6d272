package dev.aegis.orchestrator.lifecycle;

/**
 * Why the core refused an input. A refused input changes nothing.
 *
 * @param code a stable, kebab-case identifier (see the constants)
 * @param message a sentence for humans, naming the phase and the input
 */
public record Refusal(String code, String message) {
  public static final String ILLEGAL_TRANSITION = "illegal-transition";
  public static final String NOT_JUDGING = "not-judging";
  public static final String NOT_CANDIDATE_WINDOW = "not-candidate-window";
  public static final String WINDOW_BEFORE_STEP = "window-before-step";
}
