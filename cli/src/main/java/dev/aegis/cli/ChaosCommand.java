package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis chaos inject|list|get|revert|stop-all|resume}: faults for chaos engineers
 * (docs/chaos.md).
 */
@Command(
    name = "chaos",
    description = "Inject faults into canaries, list and revert them, and the kill switch.",
    subcommands = {
      ChaosCommand.Inject.class,
      ChaosCommand.ListFaults.class,
      ChaosCommand.Get.class,
      ChaosCommand.Revert.class,
      ChaosCommand.StopAll.class,
      ChaosCommand.Resume.class
    })
final class ChaosCommand extends GroupCommand {

  @Command(
      name = "inject",
      description = {
        "Inject a fault into a service's canary (or, with --production, into production).",
        "Kinds: pod-kill, latency, abort, cpu-stress, memory-stress, network-partition, dependency-outage.",
        "Parameters (--param NAME=VALUE): share, maxPods (pod-kill); delayMs, percent (latency);",
        "httpStatus, percent (abort); dependency, httpStatus (dependency-outage); workers, memory, image (stress).",
      })
  static final class Inject extends ApiCommand {
    @Parameters(paramLabel = "KIND", description = "The fault's kind.")
    String kind;

    @Option(
        names = "--experiment",
        paramLabel = "ID",
        description = "Target the canary of this experiment.")
    String experiment;

    @Option(names = "--service", paramLabel = "NAME", description = "The target service.")
    String service;

    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NS",
        description = "The target's namespace.")
    String namespace;

    @Option(
        names = "--track",
        paramLabel = "TRACK",
        defaultValue = "canary",
        description = "canary (default) or stable.")
    String track;

    @Option(
        names = "--duration",
        paramLabel = "DURATION",
        required = true,
        description = "How long, ISO-8601 (PT5M); the fault is reverted when it runs out.")
    String duration;

    @Option(
        names = {"-p", "--param"},
        paramLabel = "NAME=VALUE",
        description = "A parameter (repeatable).")
    Map<String, String> parameters;

    @Option(
        names = "--production",
        description = "Consent to hit production (needs admin, or chaos-engineer and sre).")
    boolean production;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    String reason;

    @Override
    public Integer call() {
      ObjectNode body =
          ApiClient.JSON.createObjectNode().put("kind", kind).put("duration", duration);
      if (experiment != null) {
        body.put("experimentId", experiment);
      }
      if (service != null || namespace != null) {
        body.putObject("target")
            .put("namespace", namespace)
            .put("service", service)
            .put("track", track);
      } else if (!"canary".equals(track)) {
        body.putObject("target").put("track", track);
      }
      if (production) {
        body.put("production", true);
      }
      if (reason != null) {
        body.put("reason", reason);
      }
      if (parameters != null && !parameters.isEmpty()) {
        ObjectNode p = body.putObject("parameters");
        parameters.forEach((name, value) -> put(p, name, value));
      }
      var reply = api().post("/api/v1/chaos/faults", body, null);
      print(
          reply.body(),
          f ->
              "fault "
                  + Text.str(f, "faultId")
                  + " "
                  + Text.str(f, "state")
                  + " ("
                  + Text.str(f, "mechanism")
                  + "), expires "
                  + Text.str(f, "expiresAt")
                  + "\n"
                  + Text.str(f, "summary")
                  + "\n");
      return ExitCode.OK;
    }

    /** Numbers as numbers, so the server's typed parameters bind; anything else as text. */
    private static void put(ObjectNode node, String name, String value) {
      try {
        if (value.matches("-?\\d+")) {
          node.put(name, Long.parseLong(value));
        } else if (value.matches("-?\\d*\\.\\d+")) {
          node.put(name, Double.parseDouble(value));
        } else {
          node.put(name, value);
        }
      } catch (NumberFormatException e) {
        node.put(name, value);
      }
    }
  }

  @Command(name = "list", aliases = "ls", description = "List faults, newest first.")
  static final class ListFaults extends ApiCommand {
    @Option(names = "--live", description = "Only faults still on the cluster.")
    boolean live;

    @Override
    public Integer call() {
      var reply =
          api()
              .get(
                  "/api/v1/chaos/faults", ApiClient.Query.none().add("live", live ? "true" : null));
      print(reply.body(), body -> table(body, clock().instant()));
      return ExitCode.OK;
    }

    static String table(JsonNode faults, Instant now) {
      if (faults.isEmpty()) {
        return "No faults.\n";
      }
      Table table =
          new Table("FAULT", "KIND", "TARGET", "STATE", "MECHANISM", "STARTED", "EXPIRES", "ENDED");
      for (JsonNode f : faults) {
        JsonNode t = f.path("target");
        table.row(
            Text.str(f, "faultId"),
            Text.str(f, "kind"),
            Text.str(t, "namespace")
                + "/"
                + Text.str(t, "service")
                + " ("
                + Text.str(t, "track")
                + ")",
            Text.str(f, "state"),
            Text.str(f, "mechanism"),
            Text.ago(Text.instant(f, "startedAt"), now),
            Text.str(f, "expiresAt"),
            f.path("endedAt").isNull() || f.path("endedAt").isMissingNode()
                ? "-"
                : Text.str(f, "endReason") + " by " + Text.str(f, "endedBy"));
      }
      return table.render();
    }
  }

  @Command(
      name = "get",
      description = "Show one fault: what was done, until when, how it is undone.")
  static final class Get extends ApiCommand {
    @Parameters(paramLabel = "FAULT")
    String id;

    @Override
    public Integer call() {
      var reply = api().get("/api/v1/chaos/faults/" + id, ApiClient.Query.none());
      print(
          reply.body(),
          f ->
              ListFaults.table(ApiClient.JSON.createArrayNode().add(f), clock().instant())
                  + "Summary: "
                  + Text.str(f, "summary")
                  + "\n"
                  + (f.hasNonNull("lastError")
                      ? "Last error: " + Text.str(f, "lastError") + "\n"
                      : ""));
      return ExitCode.OK;
    }
  }

  @Command(name = "revert", description = "Take a fault off the cluster now.")
  static final class Revert extends ApiCommand {
    @Parameters(paramLabel = "FAULT")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    @Override
    public Integer call() {
      var reply = api().post("/api/v1/chaos/faults/" + id + "/revert", reasonBody(reason), null);
      print(
          reply.body(), f -> "fault " + Text.str(f, "faultId") + " " + Text.str(f, "state") + "\n");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "stop-all",
      description = "The kill switch: revert every live fault and halt injection.")
  static final class StopAll extends ApiCommand {
    @Option(names = "--reason", paramLabel = "TEXT")
    String reason;

    @Override
    public Integer call() {
      var reply = api().post("/api/v1/chaos/kill-switch", reasonBody(reason), null);
      print(
          reply.body(),
          s ->
              "chaos halted: "
                  + s.path("reverted").size()
                  + " faults reverted"
                  + (s.path("pending").isEmpty()
                      ? ""
                      : ", "
                          + s.path("pending").size()
                          + " pending (the cluster refused; retried until gone): "
                          + s.path("pending"))
                  + "\nre-arm with: aegis chaos resume\n");
      return ExitCode.OK;
    }
  }

  @Command(name = "resume", description = "Re-arm the kill switch: faults can be injected again.")
  static final class Resume extends ApiCommand {
    @Override
    public Integer call() {
      var reply = api().delete("/api/v1/chaos/kill-switch");
      print(reply.body(), s -> "chaos re-armed by " + Text.str(s, "changedBy") + "\n");
      return ExitCode.OK;
    }
  }

  /** {"reason": ...}, or {} without one. */
  static ObjectNode reasonBody(String reason) {
    ObjectNode body = ApiClient.JSON.createObjectNode();
    if (reason != null) {
      body.put("reason", reason);
    }
    return body;
  }
}
