package dev.aegis.cli;

/**
 * The CLI's exit codes, stable so that scripts and CI jobs can branch on them. Listed in every
 * command's {@code --help} (the list in {@link AegisCli}'s annotation must match) and in
 * docs/cli.md. Public because they are the CLI's contract: the orchestrator's tests of the CLI
 * against the real server assert them.
 */
public final class ExitCode {
  /** The command did what was asked. */
  public static final int OK = 0;

  /** The command line was wrong: unknown command or option, missing argument, unreadable file. */
  public static final int USAGE = 1;

  /** The server has no such experiment, quarantine, dead letter or service (HTTP 404). */
  public static final int NOT_FOUND = 2;

  /**
   * The server refused the request (HTTP 400, 409, 413 and other 4xx); the problem detail is
   * printed.
   */
  public static final int REFUSED = 3;

  /** The server could not be reached, or did not answer in time. */
  public static final int UNREACHABLE = 4;

  /** {@code watch}: the experiment ended QUARANTINED or ABORTED. */
  public static final int EXPERIMENT_FAILED = 5;

  /** {@code watch --timeout}: the experiment had not settled when the timeout ran out. */
  public static final int TIMED_OUT = 6;

  /** The server failed (HTTP 5xx) or answered something that is not the Aegis API. */
  public static final int SERVER_ERROR = 7;

  /** {@code gameday run}: a scenario's expectation did not hold (the report says which and why). */
  public static final int GAMEDAY_FAILED = 8;

  private ExitCode() {}
}
