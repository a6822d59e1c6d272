package dev.aegis.cli;

import dev.aegis.chaos.gameday.GameDay;
import dev.aegis.chaos.gameday.GameDayFormatException;
import dev.aegis.chaos.gameday.GameDayReport;
import dev.aegis.chaos.gameday.GameDayRunner;
import dev.aegis.chaos.gameday.GameDays;
import dev.aegis.chaos.gameday.HttpGameDayApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aegis gameday run|list}: game days, YAML scenarios that submit an experiment, inject a
 * fault at a step and expect a decision (docs/chaos.md), run against any Aegis, standalone or in a
 * cluster.
 */
@Command(
    name = "gameday",
    description = "Run game days: scenarios that inject a fault and expect Aegis to react.",
    subcommands = {GameDayCommand.Run.class, GameDayCommand.ListShipped.class})
final class GameDayCommand extends GroupCommand {

  @Command(
      name = "run",
      description = {
        "Run scenarios one after the other and print a report with timings for each.",
        "Exit 0 when every expectation held, 8 when one did not, 1 when a file is not a valid scenario.",
      })
  static final class Run extends ApiCommand {
    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "A scenario file (repeatable).")
    List<Path> files = new ArrayList<>();

    @Option(
        names = "--shipped",
        paramLabel = "NAME",
        description = {
          "A scenario shipped with Aegis, by file name, or 'all' (repeatable; see 'aegis gameday list')."
        })
    List<String> shipped = new ArrayList<>();

    @Option(
        names = "--poll",
        paramLabel = "DURATION",
        defaultValue = "PT1S",
        description = "How often the experiment is read (default ${DEFAULT-VALUE}).")
    Duration poll;

    @Override
    public Integer call() {
      List<GameDay> scenarios = scenarios();
      HttpGameDayApi api =
          new HttpGameDayApi(
              root().serverUrl(), Optional.ofNullable(root().tokenValue()), Duration.ofSeconds(15));
      GameDayRunner runner = new GameDayRunner(api, clock(), poll);
      int failed = 0;
      for (GameDay scenario : scenarios) {
        out().println("== game day " + scenario.name() + " (" + scenario.source() + ")");
        out().flush();
        GameDayReport report = runner.run(scenario);
        out().print(report.render());
        out().println();
        out().flush();
        if (!report.passed()) {
          failed++;
        }
      }
      out().println(scenarios.size() - failed + " of " + scenarios.size() + " game days passed");
      return failed == 0 ? ExitCode.OK : ExitCode.GAMEDAY_FAILED;
    }

    private List<GameDay> scenarios() {
      if (files.isEmpty() && shipped.isEmpty()) {
        throw CliException.usage(
            "name scenarios with -f FILE or --shipped NAME (--shipped all runs every one)");
      }
      List<GameDay> scenarios = new ArrayList<>();
      try {
        for (Path file : files) {
          if (!Files.isReadable(file)) {
            throw CliException.usage("cannot read scenario file " + file);
          }
          scenarios.add(GameDays.parse(file));
        }
        for (String name : shipped) {
          if ("all".equals(name)) {
            GameDays.shipped().forEach(n -> scenarios.add(GameDays.shipped(n)));
          } else if (GameDays.shipped().contains(name)
              || GameDays.shipped().contains(name + ".yaml")) {
            scenarios.add(GameDays.shipped(name.endsWith(".yaml") ? name : name + ".yaml"));
          } else {
            throw CliException.usage(
                "no shipped game day '" + name + "'; shipped: " + GameDays.shipped());
          }
        }
      } catch (GameDayFormatException e) {
        throw CliException.usage(e.getMessage());
      }
      return scenarios;
    }
  }

  @Command(name = "list", aliases = "ls", description = "List the game days shipped with Aegis.")
  static final class ListShipped extends ApiCommand {
    @Override
    public Integer call() {
      Table table = new Table("NAME", "FAULT", "EXPECT", "DESCRIPTION");
      for (String file : GameDays.shipped()) {
        GameDay g = GameDays.shipped(file);
        table.row(
            file,
            g.fault().kind().wireName() + " at step " + g.fault().atStep(),
            g.expect().phase() + " within " + g.expect().within(),
            g.description());
      }
      out().print(table.render());
      out().flush();
      return ExitCode.OK;
    }
  }
}
