package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis submit -f experiment.yaml}: puts a candidate under canary analysis. */
@Command(
    name = "submit",
    description = {
      "Submit an experiment from a file: the REST body, or a Kubernetes Experiment manifest "
          + "(apiVersion aegis.dev/v1alpha1, kind Experiment), in YAML or JSON.",
    })
final class SubmitCommand extends ApiCommand {

  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "FILE",
      description = "The experiment file; '-' reads standard input.")
  String file;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "Makes a retried submission create the experiment once.")
  String idempotencyKey;

  @Override
  public Integer call() {
    ObjectNode body = ExperimentFile.submission(read(), "-".equals(file) ? "<stdin>" : file);
    ApiClient.Reply reply = api().post("/api/v1/experiments", body, idempotencyKey);
    print(reply.body(), view -> describe(view, reply.status() == 200));
    return ExitCode.OK;
  }

  static String describe(JsonNode view, boolean replayed) {
    return (replayed
            ? "experiment "
                + Text.str(view, "id")
                + " was already submitted with this idempotency key\n"
            : "experiment " + Text.str(view, "id") + " submitted\n")
        + "  "
        + Text.str(view, "service")
        + " "
        + view.path("candidate").path("version").asText()
        + " is "
        + Text.str(view, "phase")
        + (ExperimentViews.isLive(view)
            ? ", step "
                + view.path("step").asInt()
                + " of "
                + view.path("steps").asInt()
                + " at "
                + view.path("weight").asInt()
                + "% of traffic"
            : "")
        + "\n"
        + "  follow it with: aegis watch "
        + Text.str(view, "id")
        + "\n";
  }

  private String read() {
    try {
      if ("-".equals(file)) {
        return new String(root().environment().in().readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw CliException.usage("no such file: " + file);
    } catch (IOException e) {
      throw CliException.usage("cannot read " + file + ": " + e.getMessage());
    }
  }
}
