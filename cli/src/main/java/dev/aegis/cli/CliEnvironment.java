package dev.aegis.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What the CLI takes from the process it runs in, injected so that tests run it in-process: the
 * environment variables, the OS user, a clock, the standard streams, and whether stdout is a
 * terminal (then {@code watch} redraws in place).
 */
record CliEnvironment(
    Map<String, String> variables,
    String osUser,
    Clock clock,
    InputStream in,
    PrintStream out,
    PrintStream err,
    boolean terminal,
    Sleeper sleeper) {

  /** How {@code watch} waits between polls. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  static CliEnvironment system() {
    Map<String, String> env = System.getenv();
    boolean terminal = System.console() != null && !"dumb".equals(env.get("TERM"));
    return new CliEnvironment(
        env,
        System.getProperty("user.name"),
        Clock.systemDefaultZone(),
        System.in,
        System.out,
        System.err,
        terminal,
        d -> Thread.sleep(d.toMillis()));
  }

  String variable(String name) {
    String v = variables.get(name);
    return v == null || v.isBlank() ? null : v;
  }
}
