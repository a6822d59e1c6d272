package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis services list|get|rollback|scale}: production (V2) of each managed service. The
 * production commands are accepted (HTTP 202) and carried out by the server's actuation relay;
 * their outcome lands in the audit log ({@code aegis audit}). A service is a name in a namespace:
 * {@code -n} names the namespace, needed only when the name is managed in several.
 */
@Command(
    name = "services",
    aliases = "svc",
    description =
        "Managed services and their production (V2): list, "
            + "fast rollback to the previous V2, scaling.",
    subcommands = {
      ServicesCommand.ListServices.class,
      ServicesCommand.GetService.class,
      ServicesCommand.Rollback.class,
      ServicesCommand.Scale.class
    })
final class ServicesCommand extends GroupCommand {

  static String table(JsonNode services, Instant now) {
    if (services.isEmpty()) {
      return "No managed services.\n";
    }
    Table table =
        new Table(
            "NAME",
            "NAMESPACE",
            "PRODUCTION",
            "ROLLBACK TO",
            "LIVE EXPERIMENT",
            "PENDING",
            "MANAGED");
    for (JsonNode s : services) {
      JsonNode live = s.path("liveExperiment");
      table.row(
          Text.str(s, "name"),
          Text.str(s, "namespace"),
          Text.str(s, "productionVersion"),
          Text.str(s, "rollbackTarget"),
          live.isObject()
              ? Text.str(live, "id")
                  + " "
                  + Text.str(live, "candidateVersion")
                  + " "
                  + Text.str(live, "phase")
                  + " "
                  + live.path("weight").asInt()
                  + "%"
              : null,
          s.path("pendingCommands").asInt(),
          Text.age(Text.instant(s, "managedSince"), now));
    }
    return table.render();
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List managed services with their production version.")
  static final class ListServices extends ApiCommand {
    @Override
    public Integer call() {
      print(api().get("/api/v1/services").body(), body -> table(body, clock().instant()));
      return ExitCode.OK;
    }
  }

  /** The service's path: {@code /api/v1/services/[namespace/]name}. */
  static String path(String namespace, String name) {
    return "/api/v1/services/"
        + (namespace == null ? "" : ApiClient.segment(namespace) + "/")
        + ApiClient.segment(name);
  }

  /** How a message names the service: {@code namespace/name}, or the name alone. */
  static String shown(String namespace, String name) {
    return namespace == null ? name : namespace + "/" + name;
  }

  @Command(name = "get", description = "Show one managed service.")
  static final class GetService extends ApiCommand {
    @Parameters(paramLabel = "NAME", description = "The service.")
    String name;

    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NS",
        description =
            "The service's namespace; needed when several namespaces have a service of that name.")
    String namespace;

    @Override
    public Integer call() {
      var reply = api().get(path(namespace, name));
      print(reply.body(), s -> table(ApiClient.JSON.createArrayNode().add(s), clock().instant()));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "rollback",
      description = "Return production to the previous V2 at once, without analysis.")
  static final class Rollback extends ApiCommand {
    @Parameters(paramLabel = "NAME", description = "The service.")
    String name;

    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NS",
        description =
            "The service's namespace; needed when several namespaces have a service of that name.")
    String namespace;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why (required; audit log).")
    String reason;

    @Option(
        names = "--idempotency-key",
        paramLabel = "KEY",
        description = "Makes a retried request command once.")
    String idempotencyKey;

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode().put("reason", reason);
      var reply = api().post(path(namespace, name) + "/rollback", body, idempotencyKey);
      print(
          reply.body(),
          r ->
              "rollback of "
                  + shown(Text.str(r.path("service"), "namespace"), name)
                  + " to "
                  + Text.str(r.path("service"), "rollbackTarget")
                  + " accepted as command "
                  + Text.str(r, "commandId")
                  + "; its outcome goes to the audit log (aegis audit)\n");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "scale",
      description = "Scale production; the count is kept within --min and --max.")
  static final class Scale extends ApiCommand {
    @Parameters(paramLabel = "NAME", description = "The service.")
    String name;

    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NS",
        description =
            "The service's namespace; needed when several namespaces have a service of that name.")
    String namespace;

    @Option(
        names = "--replicas",
        required = true,
        paramLabel = "N",
        description = "Replicas wanted.")
    int replicas;

    @Option(names = "--min", paramLabel = "N", description = "Lower bound (server default 1).")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "Upper bound (server default 20).")
    Integer max;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (audit log).")
    String reason;

    @Option(
        names = "--idempotency-key",
        paramLabel = "KEY",
        description = "Makes a retried request command once.")
    String idempotencyKey;

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode().put("replicas", replicas);
      if (min != null) {
        body.put("minReplicas", min);
      }
      if (max != null) {
        body.put("maxReplicas", max);
      }
      if (reason != null) {
        body.put("reason", reason);
      }
      var reply = api().post(path(namespace, name) + "/scale", body, idempotencyKey);
      print(
          reply.body(),
          r ->
              "scaling "
                  + shown(Text.str(r.path("service"), "namespace"), name)
                  + " to "
                  + replicas
                  + " replicas"
                  + (min != null || max != null
                      ? " (within "
                          + (min == null ? "1" : min)
                          + ".."
                          + (max == null ? "20" : max)
                          + ")"
                      : "")
                  + " accepted as command "
                  + Text.str(r, "commandId")
                  + "; its outcome goes to the audit log (aegis audit)\n");
      return ExitCode.OK;
    }
  }
}
