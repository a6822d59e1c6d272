package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command that talks to the server shares: the global options, the client, the output.
 */
abstract class ApiCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  AegisCli root() {
    return (AegisCli) spec.root().userObject();
  }

  ApiClient api() {
    return root().api();
  }

  Clock clock() {
    return root().environment().clock();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  OutputFormat format() {
    return root().output();
  }

  /** Prints {@code body} as JSON/YAML when asked for, else as {@code human} renders it. */
  void print(JsonNode body, Function<JsonNode, String> human) {
    OutputFormat format = format();
    out().print(format == OutputFormat.TABLE ? human.apply(body) : format.render(body));
    out().flush();
  }
}
