package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis token create|list|get|revoke}: API tokens for automation (needs the admin role). */
@Command(
    name = "token",
    description = "API tokens for automation: make, list, show, revoke (admin role).",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Get.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand extends GroupCommand {

  @Command(
      name = "create",
      description = {
        "Make a token scoped to roles and namespaces. The token is printed once; Aegis keeps only its digest.",
        "Roles: viewer, platform-engineer, sre, chaos-engineer, admin.",
      })
  static final class Create extends ApiCommand {
    @Parameters(
        paramLabel = "NAME",
        description = "The principal's name: the actor in the audit log.")
    String name;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        required = true,
        split = ",",
        description = "A role (repeatable).")
    List<String> roles;

    @Option(
        names = "--namespace",
        paramLabel = "NS",
        required = true,
        split = ",",
        description = "A namespace the roles apply in, or '*' for all (repeatable).")
    List<String> namespaces;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        description = "Lifetime, ISO-8601 (P30D, PT12H); default the server's.")
    String ttl;

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode().put("name", name);
      ArrayNode r = body.putArray("roles");
      roles.forEach(r::add);
      ArrayNode n = body.putArray("namespaces");
      namespaces.forEach(n::add);
      if (ttl != null) {
        body.put("ttl", ttl);
      }
      var reply = api().post("/api/v1/tokens", body, null);
      print(
          reply.body(),
          issued ->
              "token "
                  + Text.str(issued.path("token"), "id")
                  + " for '"
                  + name
                  + "' expires "
                  + Text.str(issued.path("token"), "expiresAt")
                  + "\n"
                  + Text.str(issued, "secret")
                  + "\n(shown once: store it now; Aegis keeps only its digest)\n");
      return ExitCode.OK;
    }
  }

  @Command(name = "list", aliases = "ls", description = "List tokens (never their secrets).")
  static final class ListTokens extends ApiCommand {
    @Option(names = "--all", description = "Include revoked and expired tokens.")
    boolean all;

    @Override
    public Integer call() {
      var reply = api().get("/api/v1/tokens", ApiClient.Query.none().add("includeInactive", all));
      print(reply.body(), body -> table(body, clock().instant()));
      return ExitCode.OK;
    }

    static String table(JsonNode tokens, Instant now) {
      if (tokens.isEmpty()) {
        return "No tokens.\n";
      }
      Table table =
          new Table(
              "ID", "NAME", "ROLES", "NAMESPACES", "STATUS", "EXPIRES", "LAST USED", "CREATED BY");
      for (JsonNode t : tokens) {
        table.row(
            Text.str(t, "id"),
            Text.str(t, "name"),
            join(t.path("roles")),
            join(t.path("namespaces")),
            Text.str(t, "status"),
            Text.str(t, "expiresAt"),
            t.path("lastUsedAt").isNull() || t.path("lastUsedAt").isMissingNode()
                ? "never"
                : Text.ago(Text.instant(t, "lastUsedAt"), now),
            Text.str(t, "createdBy"));
      }
      return table.render();
    }

    private static String join(JsonNode array) {
      StringBuilder out = new StringBuilder();
      array.forEach(v -> out.append(out.length() == 0 ? "" : ",").append(v.asText()));
      return out.toString();
    }
  }

  @Command(name = "get", description = "Show one token.")
  static final class Get extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      var reply = api().get("/api/v1/tokens/" + id, ApiClient.Query.none());
      print(
          reply.body(),
          t -> ListTokens.table(ApiClient.JSON.createArrayNode().add(t), clock().instant()));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a token at once; requests carrying it get 401 from then on.")
  static final class Revoke extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      var reply = api().delete("/api/v1/tokens/" + id);
      print(
          reply.body(),
          t ->
              "token "
                  + Text.str(t, "id")
                  + " ("
                  + Text.str(t, "name")
                  + ") is "
                  + Text.str(t, "status")
                  + "\n");
      return ExitCode.OK;
    }
  }
}
