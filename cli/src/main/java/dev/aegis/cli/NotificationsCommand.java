package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aegis notifications list|test}: what Aegis told people, whether it arrived, and a test
 * message to check a channel.
 */
@Command(
    name = "notifications",
    description = "Notifications: their delivery state, and a test message per channel.",
    subcommands = {NotificationsCommand.ListNotifications.class, NotificationsCommand.Test.class})
final class NotificationsCommand extends GroupCommand {

  @Command(
      name = "list",
      aliases = "ls",
      description = "List notifications, newest first: channel, status, attempts, last error.")
  static final class ListNotifications extends ApiCommand {
    @Option(names = "--experiment", paramLabel = "ID", description = "Of one experiment.")
    String experiment;

    @Option(names = "--channel", paramLabel = "NAME", description = "To one channel.")
    String channel;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "pending, retrying, delivered or failed.")
    String status;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "50",
        description = "At most N (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      var reply =
          api()
              .get(
                  "/api/v1/notifications",
                  ApiClient.Query.none()
                      .add("experimentId", experiment)
                      .add("channel", channel)
                      .add("status", status)
                      .add("limit", limit));
      print(reply.body(), body -> table(body.path("items"), clock().instant()));
      return ExitCode.OK;
    }

    static String table(JsonNode items, Instant now) {
      if (items.isEmpty()) {
        return "No notifications.\n";
      }
      Table table =
          new Table("CREATED", "CHANNEL", "KIND", "SEVERITY", "STATUS", "TRIES", "TITLE", "ERROR")
              .limit(6, 60)
              .limit(7, 60);
      for (JsonNode n : items) {
        table.row(
            Text.ago(Text.instant(n, "createdAt"), now),
            Text.str(n, "channel"),
            Text.str(n, "kind"),
            Text.str(n, "severity"),
            Text.str(n, "status") + (n.hasNonNull("digestId") ? " (digest)" : ""),
            n.path("attempts").asInt(),
            Text.str(n, "title"),
            n.hasNonNull("lastError") ? n.path("lastError").asText() : "");
      }
      return table.render();
    }
  }

  @Command(
      name = "test",
      description = {
        "Send a test message to CHANNEL and wait for its outcome.",
        "Exits 0 once delivered, 3 when the delivery failed or still retries after --wait.",
      })
  static final class Test extends ApiCommand {
    @Parameters(paramLabel = "CHANNEL", description = "The channel's name.")
    String channel;

    @Option(
        names = "--wait",
        paramLabel = "SECONDS",
        defaultValue = "20",
        description = "Wait at most this long for the outcome (default ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Override
    public Integer call() {
      var queued =
          api()
              .post(
                  "/api/v1/notifications/channels/" + ApiClient.segment(channel) + "/test",
                  null,
                  null);
      String id = queued.body().path("id").asText();
      err().println("Test message " + id + " queued for " + channel + " ...");
      err().flush();
      Instant deadline = clock().instant().plus(Duration.ofSeconds(Math.max(0, waitSeconds)));
      JsonNode latest = null;
      while (true) {
        latest = find(id);
        String status = latest == null ? "pending" : latest.path("status").asText();
        if (status.equals("delivered") || status.equals("failed")) {
          break;
        }
        if (!clock().instant().isBefore(deadline)) {
          break;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      JsonNode result = latest == null ? queued.body() : latest;
      print(result, Test::describe);
      return latest != null && "delivered".equals(latest.path("status").asText())
          ? ExitCode.OK
          : ExitCode.REFUSED;
    }

    private JsonNode find(String id) {
      JsonNode items =
          api()
              .get(
                  "/api/v1/notifications",
                  ApiClient.Query.none()
                      .add("channel", channel)
                      .add("kind", "test")
                      .add("limit", 20))
              .body()
              .path("items");
      for (JsonNode n : items) {
        if (id.equals(n.path("id").asText())) {
          return n;
        }
      }
      return null;
    }

    static String describe(JsonNode n) {
      String status = Text.str(n, "status");
      StringBuilder out =
          new StringBuilder("channel " + Text.str(n, "channel") + ": test message " + status);
      if (n.path("attempts").asInt() > 0) {
        out.append(" after ").append(n.path("attempts").asInt()).append(" attempt(s)");
      }
      if (n.hasNonNull("lastError")) {
        out.append("; last error: ").append(n.path("lastError").asText());
      }
      return out.append('\n').toString();
    }
  }
}
