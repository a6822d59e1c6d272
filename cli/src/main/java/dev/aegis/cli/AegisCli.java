package dev.aegis.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code aegis}: the orchestrator's REST API from a terminal. Built as the {@code cli} module and
 * shipped in the orchestrator's jar, it runs there without starting Spring ({@code java -jar
 * aegis.jar cli ...}) and depends on nothing of the server but its JSON, so it answers in about a
 * second (most of it the JVM opening the fat jar).
 *
 * <p>The options here are global: they may be given before or after the subcommand.
 */
@Command(
    name = "aegis",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = AegisCli.Version.class,
    sortOptions = false,
    usageHelpWidth = 100,
    usageHelpAutoWidth = true,
    description =
        "Drive the Aegis deployment orchestrator: submit experiments, watch them, act on them.",
    subcommands = {
      SubmitCommand.class,
      ListCommand.class,
      GetCommand.class,
      WatchCommand.class,
      ActionCommand.Promote.class,
      ActionCommand.Abort.class,
      ActionCommand.Pause.class,
      ActionCommand.Resume.class,
      QuarantineCommand.class,
      DlqCommand.class,
      ServicesCommand.class,
      AuditCommand.class,
      TokenCommand.class,
      ChaosCommand.class,
      GameDayCommand.class,
      NotificationsCommand.class,
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:usage error (bad command line or input file)",
      "2:not found (HTTP 404)",
      "3:refused by the server (HTTP 400/409/413...); the problem is printed",
      "4:server unreachable",
      "5:watched experiment ended QUARANTINED or ABORTED",
      "6:watch timed out before the experiment settled",
      "7:server error (HTTP 5xx) or a response that is not the Aegis API",
      "8:a game day's expectation did not hold",
    },
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  AEGIS_SERVER   server URL, default " + AegisCli.DEFAULT_SERVER,
      "  AEGIS_TOKEN    API token, JWT or dev token, sent as 'Authorization: Bearer'; the audit log",
      "                 records the principal it authenticates as",
    })
public final class AegisCli implements Callable<Integer> {

  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  @Option(
      names = "--server",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description = "Aegis server URL (env AEGIS_SERVER, default " + DEFAULT_SERVER + ").")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      scope = ScopeType.INHERIT,
      description = "API token, sent as a bearer token (env AEGIS_TOKEN).")
  String token;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      defaultValue = "table",
      description = "Output format: table, json or yaml (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Spec CommandSpec spec;

  private final CliEnvironment environment;
  private ApiClient api;

  AegisCli(CliEnvironment environment) {
    this.environment = Objects.requireNonNull(environment);
  }

  /** Runs the CLI in this JVM and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI on the process's streams and environment; returns the exit code. */
  public static int run(String... args) {
    return run(CliEnvironment.system(), args);
  }

  static int run(CliEnvironment environment, String... args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(environment.out(), StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(environment.err(), StandardCharsets.UTF_8), true);
    try {
      return commandLine(environment, out, err).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  static CommandLine commandLine(CliEnvironment environment, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new AegisCli(environment));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          failed.getErr().println("aegis: " + e.getMessage());
          failed
              .getErr()
              .println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
          return ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, failed, parsed) -> {
          if (e instanceof CliException c) {
            c.lines().forEach(failed.getErr()::println);
            return c.exitCode();
          }
          failed.getErr().println("aegis: unexpected error: " + e);
          return ExitCode.SERVER_ERROR;
        });
    return cli;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  CliEnvironment environment() {
    return environment;
  }

  OutputFormat output() {
    return output == null ? OutputFormat.TABLE : output;
  }

  /** The server URL from --server, AEGIS_SERVER or the default. */
  URI serverUrl() {
    String url = first(server, environment.variable("AEGIS_SERVER"), DEFAULT_SERVER);
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw CliException.usage("the server URL must be http(s)://host[:port], not '" + url + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw CliException.usage("the server URL '" + url + "' is not a URL: " + e.getMessage());
    }
  }

  String tokenValue() {
    return first(token, environment.variable("AEGIS_TOKEN"), null);
  }

  ApiClient api() {
    if (api == null) {
      api = new ApiClient(serverUrl(), tokenValue());
    }
    return api;
  }

  private static String first(String a, String b, String fallback) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : fallback;
  }

  /** The jar's version, when the build recorded one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AegisCli.class.getPackage().getImplementationVersion();
      return new String[] {"aegis " + (v == null ? "(development build)" : v)};
    }
  }
}
