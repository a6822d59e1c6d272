package dev.aegis.chaos.gameday;

/** A game day file that cannot be run as written: which file, which field, what is wrong. */
public final class GameDayFormatException extends RuntimeException {

  private final String source;
  private final String field;
  private final String problem;

  public GameDayFormatException(String source, String field, String problem) {
    super(source + ": " + field + ": " + problem);
    this.source = source;
    this.field = field;
    this.problem = problem;
  }

  /** The file (or classpath resource) read. */
  public String source() {
    return source;
  }

  /**
   * The field, as a dotted path ({@code fault.parameters.share}), or {@code line L, column C} for
   * syntax.
   */
  public String field() {
    return field;
  }

  public String problem() {
    return problem;
  }
}
