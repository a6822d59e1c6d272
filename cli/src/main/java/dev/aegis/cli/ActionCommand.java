package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The human commands on an experiment: {@code promote}, {@code abort}, {@code pause}, {@code
 * resume}. A command the experiment's phase does not accept is refused by the server (exit 3, with
 * the reason).
 */
abstract class ActionCommand extends ApiCommand {

  @Parameters(paramLabel = "ID", description = "The experiment id.")
  String id;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why; recorded in the transition and the audit log.")
  String reason;

  abstract String action();

  @Override
  public Integer call() {
    ObjectNode body = ApiClient.JSON.createObjectNode();
    if (reason != null) {
      body.put("reason", reason);
    }
    var reply =
        api().post("/api/v1/experiments/" + ApiClient.segment(id) + "/" + action(), body, null);
    print(reply.body(), this::describe);
    return ExitCode.OK;
  }

  String describe(JsonNode view) {
    String phase = Text.str(view, "phase");
    String line =
        "experiment "
            + Text.str(view, "id")
            + " ("
            + Text.str(view, "service")
            + " "
            + view.path("candidate").path("version").asText()
            + ") is now "
            + phase;
    if (ExperimentViews.isLive(view) && !"ROLLING_BACK".equals(phase)) {
      line +=
          ", step "
              + view.path("step").asInt()
              + " of "
              + view.path("steps").asInt()
              + " at "
              + view.path("weight").asInt()
              + "%";
    }
    if ("ROLLING_BACK".equals(phase)) {
      line +=
          "; traffic returns to production (follow it with: aegis watch "
              + Text.str(view, "id")
              + ")";
    }
    return line + "\n";
  }

  @Command(
      name = "promote",
      description = "Promote the candidate to production now, skipping the remaining steps.")
  static final class Promote extends ActionCommand {
    @Override
    String action() {
      return "promote";
    }
  }

  @Command(
      name = "abort",
      description = "Abort: return traffic to production; the candidate is not quarantined.")
  static final class Abort extends ActionCommand {
    @Override
    String action() {
      return "abort";
    }
  }

  @Command(
      name = "pause",
      description = "Hold the experiment at its current weight; windows are kept, not judged.")
  static final class Pause extends ActionCommand {
    @Override
    String action() {
      return "pause";
    }
  }

  @Command(name = "resume", description = "Resume a paused experiment.")
  static final class Resume extends ActionCommand {
    @Override
    String action() {
      return "resume";
    }
  }
}
