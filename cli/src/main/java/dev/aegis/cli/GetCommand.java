package dev.aegis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code aegis get ID}: one experiment with its evidence, verdict, actuation and history. */
@Command(
    name = "get",
    aliases = "describe",
    description =
        "Show one experiment: phase, step and weight, evidence, latest verdict, actuation, history.")
final class GetCommand extends ApiCommand {

  @Parameters(paramLabel = "ID", description = "The experiment id.")
  String id;

  @Override
  public Integer call() {
    var reply = api().get("/api/v1/experiments/" + ApiClient.segment(id));
    print(
        reply.body(), view -> ExperimentViews.describe(view, clock().instant(), clock().getZone()));
    return ExitCode.OK;
  }
}
