package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis watch ID}: follows an experiment until it settles, polling the API. On a terminal
 * the screen is redrawn in place; otherwise (a pipe, a CI log) a line is appended for every
 * transition and state change. The exit code says how it ended, so a pipeline can gate on it: 0 for
 * PROMOTED (or RELEASED), 5 for QUARANTINED or ABORTED, 6 when {@code --timeout} ran out first.
 */
@Command(
    name = "watch",
    description = {
      "Follow an experiment live until it is PROMOTED, QUARANTINED, ABORTED or RELEASED.",
      "Exits 0 when promoted, 5 when quarantined or aborted, 6 on --timeout.",
    })
final class WatchCommand extends ApiCommand {
  /** Consecutive failed polls tolerated (a server restart) before giving up with exit 4. */
  static final int MAX_UNREACHABLE = 30;

  @Parameters(paramLabel = "ID", description = "The experiment id.")
  String id;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = TimeArgs.DurationConverter.class,
      description = "Time between polls (default ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = TimeArgs.DurationConverter.class,
      description =
          "Give up (exit 6) when the experiment has not settled after this long, e.g. 30m or PT2H.")
  Duration timeout;

  private int drawn;
  private JsonNode shown;
  private String lastStatus;
  private long lastHistoryId = Long.MIN_VALUE;

  @Override
  public Integer call() throws InterruptedException {
    String path = "/api/v1/experiments/" + ApiClient.segment(id);
    Instant deadline = timeout == null ? null : clock().instant().plus(timeout);
    int unreachable = 0;
    while (true) {
      JsonNode view;
      try {
        view = api().get(path).body();
        unreachable = 0;
      } catch (CliException e) {
        if (e.exitCode() != ExitCode.UNREACHABLE
            || shown == null
            || ++unreachable > MAX_UNREACHABLE) {
          throw e;
        }
        notice(
            "server unreachable, retrying ("
                + unreachable
                + " of "
                + MAX_UNREACHABLE
                + "): "
                + e.lines().get(0));
        root().environment().sleeper().sleep(interval);
        continue;
      }
      show(view);
      if (ExperimentViews.isSettled(view)) {
        if (format() == OutputFormat.TABLE) {
          out().println(WatchScreen.ending(view));
        }
        out().flush();
        return ExperimentViews.exitCode(Text.str(view, "phase"));
      }
      if (deadline != null && !clock().instant().isBefore(deadline)) {
        out().flush();
        err()
            .println(
                "aegis: experiment "
                    + id
                    + " is still "
                    + Text.str(view, "phase")
                    + " after "
                    + Text.duration(timeout)
                    + "; giving up watching (it goes on without us)");
        return ExitCode.TIMED_OUT;
      }
      root().environment().sleeper().sleep(interval);
    }
  }

  private void show(JsonNode view) {
    PrintWriter out = out();
    switch (format()) {
      case JSON -> {
        if (!view.equals(shown)) {
          out.println(OutputFormat.compact(view));
        }
      }
      case YAML -> {
        if (!view.equals(shown)) {
          out.print("---\n" + OutputFormat.YAML.render(view));
        }
      }
      case TABLE -> {
        if (root().environment().terminal()) {
          redraw(WatchScreen.frame(view, clock().instant(), clock().getZone(), width(), null));
        } else {
          append(view);
        }
      }
    }
    out.flush();
    shown = view;
  }

  private void notice(String text) {
    if (format() == OutputFormat.TABLE && root().environment().terminal()) {
      redraw(WatchScreen.frame(shown, clock().instant(), clock().getZone(), width(), text));
    } else {
      err().println("aegis: " + text);
    }
  }

  /** Moves the cursor back over the previous frame, clears it, and draws {@code lines}. */
  private void redraw(List<String> lines) {
    StringBuilder frame = new StringBuilder();
    if (drawn > 0) {
      frame.append(String.format(WatchScreen.CLEAR_PREVIOUS, drawn));
    }
    lines.forEach(l -> frame.append(l).append('\n'));
    out().print(frame);
    drawn = lines.size();
  }

  /** New transitions, then the state line when it changed. */
  private void append(JsonNode view) {
    for (JsonNode h : view.path("history")) {
      long historyId = h.path("id").asLong();
      if (historyId > lastHistoryId) {
        out().println(WatchScreen.historyLine(h, clock().getZone()));
        lastHistoryId = historyId;
      }
    }
    String status = WatchScreen.status(view);
    if (!status.equals(lastStatus)) {
      out().println(Text.clock(clock().instant(), clock().getZone()) + "  " + status);
      lastStatus = status;
    }
  }

  private int width() {
    String columns = root().environment().variable("COLUMNS");
    try {
      return columns == null ? 160 : Math.max(40, Integer.parseInt(columns.trim()));
    } catch (NumberFormatException e) {
      return 160;
    }
  }
}
