package dev.aegis.chaos.gameday;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The API answered with an error, or could not be reached ({@link #status()} 0).
 *
 * @see GameDayApi
 */
public final class GameDayApiException extends RuntimeException {

  private final int status;
  private final transient JsonNode problem;

  public GameDayApiException(int status, String message, JsonNode problem) {
    super(message);
    this.status = status;
    this.problem = problem == null ? MissingNode.getInstance() : problem;
  }

  public GameDayApiException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.problem = MissingNode.getInstance();
  }

  /** The HTTP status, or 0 when no answer came. */
  public int status() {
    return status;
  }

  /** The problem document (RFC 9457) of the answer, {@code MissingNode} if none. */
  public JsonNode problem() {
    return problem;
  }

  /** The problem's {@code detail}, else its {@code title}, else the message. */
  public String detail() {
    return detailOf(problem, getMessage());
  }

  /** A problem document's {@code detail}, else its {@code title}, else {@code fallback}. */
  public static String detailOf(JsonNode problem, String fallback) {
    if (problem != null && problem.hasNonNull("detail")) {
      return problem.get("detail").asText();
    }
    if (problem != null && problem.hasNonNull("title")) {
      return problem.get("title").asText();
    }
    return fallback;
  }
}
