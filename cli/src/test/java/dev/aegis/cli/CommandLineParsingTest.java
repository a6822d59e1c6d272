package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.cli.CliRunner.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * How the command line is read: global options anywhere, environment fallbacks, usage errors exit
 * 1.
 */
class CommandLineParsingTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-05-01T12:00:00Z"), ZoneOffset.UTC);

  private static AegisCli parse(Map<String, String> env, String... args) {
    CliEnvironment environment =
        new CliEnvironment(
            env, "os-user", CLOCK, System.in, System.out, System.err, false, d -> {});
    CommandLine cli =
        AegisCli.commandLine(
            environment, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    cli.parseArgs(args);
    return cli.getCommand();
  }

  @Test
  @DisplayName("global options given after the subcommand reach the client, as before it")
  void globalOptionsAfterTheSubcommand() {
    AegisCli after =
        parse(
            Map.of(),
            "list",
            "--server",
            "http://aegis.example:9000",
            "-o",
            "json",
            "--token",
            "t0k");
    AegisCli before =
        parse(
            Map.of(),
            "--server",
            "http://aegis.example:9000",
            "-o",
            "JSON",
            "--token",
            "t0k",
            "list");
    for (AegisCli root : List.of(after, before)) {
      assertThat(root.serverUrl()).isEqualTo(URI.create("http://aegis.example:9000"));
      assertThat(root.output()).isEqualTo(OutputFormat.JSON);
      assertThat(root.tokenValue()).isEqualTo("t0k");
    }
  }

  @Test
  @DisplayName(
      "without flags, the server and token come from AEGIS_SERVER and AEGIS_TOKEN; flags win")
  void environmentFallbacks() {
    Map<String, String> env =
        Map.of("AEGIS_SERVER", "https://aegis.prod:8443", "AEGIS_TOKEN", "from-env");
    AegisCli fromEnv = parse(env, "list");
    assertThat(fromEnv.serverUrl()).isEqualTo(URI.create("https://aegis.prod:8443"));
    assertThat(fromEnv.tokenValue()).isEqualTo("from-env");
    assertThat(fromEnv.output()).isEqualTo(OutputFormat.TABLE);

    AegisCli flags = parse(env, "list", "--server", "http://other:1", "--token", "from-flag");
    assertThat(flags.serverUrl()).isEqualTo(URI.create("http://other:1"));
    assertThat(flags.tokenValue()).isEqualTo("from-flag");
    assertThatThrownBy(() -> parse(env, "list", "--actor", "bob"))
        .as("--actor is gone: the actor is the principal")
        .hasMessageContaining("--actor");

    AegisCli defaults = parse(Map.of(), "list");
    assertThat(defaults.serverUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(defaults.tokenValue()).isNull();
  }

  @Test
  @DisplayName(
      "subcommands get their own options: list filters, watch durations, dlq filters, scale bounds")
  void subcommandOptions() {
    CliEnvironment environment =
        new CliEnvironment(Map.of(), "u", CLOCK, System.in, System.out, System.err, false, d -> {});
    CommandLine cli =
        AegisCli.commandLine(
            environment, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));

    ParseResult list =
        cli.parseArgs(
            "list", "--service", "checkout", "--phase", "canary,paused", "--phase", "QUEUED");
    ListCommand listCommand = list.subcommand().commandSpec().commandLine().getCommand();
    assertThat(listCommand.service).isEqualTo("checkout");
    assertThat(listCommand.phases).containsExactly("canary", "paused", "QUEUED");

    ParseResult watch =
        cli.parseArgs("watch", "exp-1", "--timeout", "1h30m", "--interval", "PT0.5S");
    WatchCommand watchCommand = watch.subcommand().commandSpec().commandLine().getCommand();
    assertThat(watchCommand.id).isEqualTo("exp-1");
    assertThat(watchCommand.timeout).isEqualTo(Duration.ofMinutes(90));
    assertThat(watchCommand.interval).isEqualTo(Duration.ofMillis(500));

    ParseResult replay = cli.parseArgs("dlq", "replay", "--reason", "not-json", "--since", "2h");
    DlqCommand.Replay replayCommand =
        replay.subcommand().subcommand().commandSpec().commandLine().getCommand();
    assertThat(replayCommand.id).isNull();
    assertThat(replayCommand.filter.reason).isEqualTo("not-json");
    assertThat(replayCommand.filter.from(CLOCK)).isEqualTo(Instant.parse("2025-05-01T10:00:00Z"));

    ParseResult scale =
        cli.parseArgs("services", "scale", "checkout", "--replicas", "6", "--max", "8");
    ServicesCommand.Scale scaleCommand =
        scale.subcommand().subcommand().commandSpec().commandLine().getCommand();
    assertThat(scaleCommand.replicas).isEqualTo(6);
    assertThat(scaleCommand.min).isNull();
    assertThat(scaleCommand.max).isEqualTo(8);
    assertThat(scaleCommand.namespace).isNull();

    ParseResult rollback =
        cli.parseArgs("services", "rollback", "ledger", "-n", "pay", "--reason", "bad");
    ServicesCommand.Rollback rollbackCommand =
        rollback.subcommand().subcommand().commandSpec().commandLine().getCommand();
    assertThat(rollbackCommand.namespace).isEqualTo("pay");
    assertThat(ServicesCommand.path(rollbackCommand.namespace, rollbackCommand.name))
        .isEqualTo("/api/v1/services/pay/ledger");
    assertThat(ServicesCommand.path(null, "ledger")).isEqualTo("/api/v1/services/ledger");
  }

  @ParameterizedTest(name = "aegis {0} is a usage error (exit 1)")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                        | Usage: aegis",
        "launch                                    | Unmatched argument",
        "get                                       | Missing required parameter: 'ID'",
        "list -o xml                               | expected one of [TABLE, JSON, YAML]",
        "submit                                    | Missing required option: '--file",
        "submit -f /no/such/file.yaml              | no such file: /no/such/file.yaml",
        "quarantine                                | 'aegis quarantine' needs a subcommand",
        "quarantine release exp-1                  | Missing required option: '--reason",
        "services rollback checkout                | Missing required option: '--reason",
        "services scale checkout                   | Missing required option: '--replicas",
        "dlq replay                                | name a dead letter ID, a filter",
        "dlq replay 5 --reason not-json            | give either a dead letter ID or a filter",
        "dlq list --since yesterday                | --since: 'yesterday' is neither an instant",
        "watch exp-1 --timeout soon                | 'soon' is not a duration",
        "list --server ftp://aegis                 | the server URL must be http(s)://host[:port]",
      })
  void usageErrors(String args, String message) {
    Run run = new CliRunner().run(args.isBlank() ? new String[0] : args.trim().split("\\s+"));
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).as(run.toString()).contains(message).doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  @DisplayName(
      "--help lists the commands, the exit codes and the environment variables, and exits 0")
  void help() {
    Run run = new CliRunner().run("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "submit",
            "watch",
            "quarantine",
            "dlq",
            "services",
            "audit",
            "Exit codes:",
            "5   watched experiment ended QUARANTINED or ABORTED",
            "AEGIS_SERVER",
            "AEGIS_TOKEN");
  }

  @Test
  @DisplayName(
      "a server that is not listening is exit 4, with the URL and a hint, never a stack trace")
  void unreachableServer() {
    Run run = new CliRunner().env("AEGIS_SERVER", "http://127.0.0.1:1").run("list");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNREACHABLE);
    assertThat(run.err())
        .contains("error: cannot reach Aegis at http://127.0.0.1:1", "AEGIS_SERVER")
        .doesNotContain("Exception");
  }
}
