package dev.aegis.cli;

import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis list}: experiments, newest first. */
@Command(name = "list", aliases = "ls", description = "List experiments, newest first.")
final class ListCommand extends ApiCommand {

  @Option(
      names = "--service",
      paramLabel = "NAME",
      description = "Only experiments of this service.")
  String service;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Only experiments in this namespace.")
  String namespace;

  @Option(
      names = "--phase",
      paramLabel = "PHASE",
      split = ",",
      description =
          "Only experiments in these phases (repeat or comma-separate), e.g. CANARY,PAUSED.")
  List<String> phases;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "At most N (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    List<String> upper =
        phases == null
            ? null
            : phases.stream().map(p -> p.trim().toUpperCase(Locale.ROOT)).toList();
    var reply =
        api()
            .get(
                "/api/v1/experiments",
                ApiClient.Query.none()
                    .add("service", service)
                    .add("namespace", namespace)
                    .addAll("phase", upper)
                    .add("limit", limit));
    print(reply.body(), body -> ExperimentViews.list(body, clock().instant()));
    return ExitCode.OK;
  }
}
