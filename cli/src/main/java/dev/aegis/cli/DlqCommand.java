package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis dlq list|replay}: the dead-letter queue, and replay once the cause is fixed. */
@Command(
    name = "dlq",
    description = "Dead letters: events that could not be processed, and their replay.",
    subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Replay.class})
final class DlqCommand extends GroupCommand {

  /** The filter shared by {@code list} and bulk {@code replay}; null members match everything. */
  static final class Filter {
    @Option(
        names = "--reason",
        paramLabel = "CODE",
        description = "Reason code, e.g. not-json, window-in-future.")
    String reason;

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "CloudEvents type, e.g. dev.aegis.health.reported.v1.")
    String type;

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description =
            "Dead-lettered at or after TIME: an instant, a date, or a duration ago (30m, 2h, 7d).")
    String since;

    @Option(
        names = "--until",
        paramLabel = "TIME",
        description = "Dead-lettered before TIME (same forms as --since).")
    String until;

    Instant from(Clock clock) {
      return at(since, clock, "--since");
    }

    Instant to(Clock clock) {
      return at(until, clock, "--until");
    }

    boolean isEmpty() {
      return reason == null && type == null && since == null && until == null;
    }

    ApiClient.Query query(Clock clock) {
      return ApiClient.Query.none()
          .add("reason", reason)
          .add("type", type)
          .add("from", from(clock))
          .add("to", to(clock));
    }

    /** {@code reason=not-json, since=2025-05-01T12:00:00Z}, for progress messages. */
    String describe(Clock clock) {
      List<String> parts = new ArrayList<>();
      if (reason != null) {
        parts.add("reason=" + reason);
      }
      if (type != null) {
        parts.add("type=" + type);
      }
      if (since != null) {
        parts.add("since=" + from(clock));
      }
      if (until != null) {
        parts.add("until=" + to(clock));
      }
      return parts.isEmpty() ? "any" : String.join(", ", parts);
    }

    private static Instant at(String text, Clock clock, String option) {
      if (text == null) {
        return null;
      }
      try {
        return TimeArgs.pointInTime(text, clock);
      } catch (IllegalArgumentException e) {
        throw CliException.usage(option + ": " + e.getMessage());
      }
    }
  }

  @Command(name = "list", aliases = "ls", description = "List dead letters, newest first.")
  static final class ListDeadLetters extends ApiCommand {
    @picocli.CommandLine.Mixin Filter filter = new Filter();

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "At most N (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      var reply = api().get("/api/v1/dead-letters", filter.query(clock()).add("limit", limit));
      print(reply.body(), body -> table(body, clock().instant()));
      return ExitCode.OK;
    }

    static String table(JsonNode letters, Instant now) {
      if (letters.isEmpty()) {
        return "No dead letters.\n";
      }
      Table table =
          new Table("ID", "TOPIC", "REASON", "TYPE", "KEY", "FAILED", "REPLAYS", "DETAIL")
              .limit(3, 40)
              .limit(4, 30)
              .limit(7, 80);
      for (JsonNode d : letters) {
        table.row(
            d.path("id").asLong(),
            Text.str(d, "originalTopic")
                + "["
                + d.path("originalPartition").asInt()
                + "]@"
                + d.path("originalOffset").asLong(),
            Text.str(d, "reasonCode"),
            Text.str(d, "eventType"),
            Text.str(d, "key"),
            Text.ago(Text.instant(d, "firstFailedAt"), now),
            d.path("replayCount").asInt(),
            Text.str(d, "reason"));
      }
      return table.render();
    }
  }

  @Command(
      name = "replay",
      description = {
        "Replay dead letters to their original topic: one by ID, or every one matching a filter.",
        "A bulk replay needs a filter or --all, so that nothing is replayed by accident.",
      })
  static final class Replay extends ApiCommand {
    @Parameters(paramLabel = "ID", arity = "0..1", description = "The dead letter to replay.")
    Long id;

    @picocli.CommandLine.Mixin Filter filter = new Filter();

    @Option(
        names = "--all",
        description = "Replay every dead letter (up to --limit) when no filter is given.")
    boolean all;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "1000",
        description = "Replay at most N (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (id != null) {
        if (!filter.isEmpty() || all) {
          throw CliException.usage(
              "give either a dead letter ID or a filter (--reason, --type, --since, "
                  + "--until, --all), not both");
        }
        var reply = api().post("/api/v1/dead-letters/" + id + "/replay", null, null);
        print(
            reply.body(),
            r ->
                "dead letter "
                    + r.path("deadLetterId").asLong()
                    + " replayed to "
                    + Text.str(r, "topic")
                    + "["
                    + r.path("partition").asInt()
                    + "]@"
                    + r.path("offset").asLong()
                    + " (replay #"
                    + r.path("replayCount").asInt()
                    + ")\n");
        return ExitCode.OK;
      }
      if (filter.isEmpty() && !all) {
        throw CliException.usage(
            "name a dead letter ID, a filter (--reason, --type, --since, --until), "
                + "or --all to replay every dead letter");
      }
      return replayMatching();
    }

    private Integer replayMatching() {
      String described = filter.describe(clock());
      int matching =
          api()
              .get(
                  "/api/v1/dead-letters", filter.query(clock()).add("limit", Math.min(limit, 1000)))
              .body()
              .size();
      if (matching == 0) {
        err().println("No dead letters match (" + described + "); nothing replayed.");
        print(
            ApiClient.JSON
                .createObjectNode()
                .put("replayed", 0)
                .set("items", ApiClient.JSON.createArrayNode()),
            r -> "");
        return ExitCode.OK;
      }
      err()
          .println(
              "Replaying "
                  + (matching >= 1000 && limit > 1000 ? "1000 or more" : matching)
                  + " dead letter"
                  + (matching == 1 ? "" : "s")
                  + " matching "
                  + described
                  + " ...");
      err().flush();
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.put("reason", filter.reason).put("type", filter.type).put("limit", limit);
      Instant from = filter.from(clock());
      Instant to = filter.to(clock());
      body.put("from", from == null ? null : from.toString())
          .put("to", to == null ? null : to.toString());
      var reply = api().post("/api/v1/dead-letters/replay", body, null);
      print(reply.body(), r -> result(r, matching));
      return ExitCode.OK;
    }

    static String result(JsonNode r, int matching) {
      int replayed = r.path("replayed").asInt();
      StringBuilder out =
          new StringBuilder(
              "Replayed "
                  + replayed
                  + " of "
                  + matching
                  + " dead letter"
                  + (matching == 1 ? "" : "s")
                  + ".\n");
      if (replayed > 0) {
        Table table = new Table("ID", "TO", "REPLAY #");
        for (JsonNode item : r.path("items")) {
          table.row(
              item.path("deadLetterId").asLong(),
              Text.str(item, "topic")
                  + "["
                  + item.path("partition").asInt()
                  + "]@"
                  + item.path("offset").asLong(),
              item.path("replayCount").asInt());
        }
        out.append(table.render());
      }
      return out.toString();
    }
  }
}
