package dev.aegis.cli;

import java.util.List;

/**
 * A failure the user must read, with the exit code it ends the CLI with. Printed on stderr as its
 * lines, never as a stack trace.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;
  private final List<String> lines;

  CliException(int exitCode, List<String> lines) {
    super(String.join("; ", lines));
    this.exitCode = exitCode;
    this.lines = List.copyOf(lines);
  }

  CliException(int exitCode, String message) {
    this(exitCode, List.of(message));
  }

  /** A usage error (exit 1), printed as {@code aegis: <message>}. */
  static CliException usage(String message) {
    return new CliException(ExitCode.USAGE, "aegis: " + message);
  }

  int exitCode() {
    return exitCode;
  }

  List<String> lines() {
    return lines;
  }
}
