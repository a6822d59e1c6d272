package dev.aegis.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the CLI in-process, as the {@code aegis} script would, and captures what it printed. Public,
 * and shipped in this module's test jar, for the orchestrator's tests that run the CLI against the
 * real server.
 */
public final class CliRunner {

  /** What one run left behind. */
  public record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  private final Map<String, String> variables = new HashMap<>();
  private final List<String> globalArgs = new ArrayList<>();
  private Clock clock = Clock.systemUTC();
  private boolean terminal;
  private String stdin = "";

  public CliRunner env(String name, String value) {
    variables.put(name, value);
    return this;
  }

  /** Arguments put before every command's own, e.g. {@code --server}. */
  public CliRunner global(String... args) {
    globalArgs.addAll(List.of(args));
    return this;
  }

  public CliRunner clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public CliRunner terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  public CliRunner stdin(String text) {
    this.stdin = text;
    return this;
  }

  public Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(globalArgs);
    all.addAll(List.of(args));
    CliEnvironment environment =
        new CliEnvironment(
            Map.copyOf(variables),
            "os-user",
            clock,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            terminal,
            d -> Thread.sleep(d.toMillis()));
    int code = AegisCli.run(environment, all.toArray(String[]::new));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
