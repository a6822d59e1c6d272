package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aegis quarantine list|rca|release}: V3, the candidates that failed, and why. */
@Command(
    name = "quarantine",
    description = "Quarantined candidates (V3), their root-cause analyses, release.",
    subcommands = {
      QuarantineCommand.ListQuarantine.class,
      QuarantineCommand.Rca.class,
      QuarantineCommand.Release.class
    })
final class QuarantineCommand extends GroupCommand {

  @Command(
      name = "list",
      aliases = "ls",
      description = "List quarantined candidates, newest first.")
  static final class ListQuarantine extends ApiCommand {
    @Option(names = "--all", description = "Include released quarantines.")
    boolean all;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "At most N (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      var reply =
          api()
              .get(
                  "/api/v1/quarantine",
                  ApiClient.Query.none()
                      .add("includeReleased", all ? "true" : null)
                      .add("limit", limit));
      print(reply.body(), body -> table(body, clock().instant()));
      return ExitCode.OK;
    }

    static String table(JsonNode entries, Instant now) {
      if (entries.isEmpty()) {
        return "No quarantined candidates.\n";
      }
      Table table =
          new Table("ID", "SERVICE", "VERSION", "IMAGE", "AGE", "RELEASED", "SUMMARY").limit(6, 80);
      for (JsonNode q : entries) {
        String released =
            Text.str(q, "releasedAt") == null
                ? null
                : Text.ago(Text.instant(q, "releasedAt"), now) + " by " + Text.str(q, "releasedBy");
        table.row(
            Text.str(q, "id"),
            Text.str(q, "service"),
            Text.str(q, "candidateVersion"),
            Text.str(q, "candidateImage"),
            Text.age(Text.instant(q, "recordedAt"), now),
            released,
            Text.str(q, "summary"));
      }
      return table.render();
    }
  }

  @Command(
      name = "rca",
      description =
          "Show the root-cause analysis of a quarantine: failed checks, windows, "
              + "chaos faults active then, timeline.")
  static final class Rca extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "The quarantine (experiment) id.")
    String id;

    @Override
    public Integer call() {
      var reply = api().get("/api/v1/quarantine/" + ApiClient.segment(id) + "/rca");
      print(reply.body(), rca -> describe(rca, clock().getZone()));
      return ExitCode.OK;
    }

    static String describe(JsonNode r, ZoneId zone) {
      StringBuilder out = new StringBuilder();
      out.append("RCA of ")
          .append(Text.str(r, "experimentId"))
          .append(": ")
          .append(Text.str(r, "service"))
          .append(' ')
          .append(Text.str(r, "candidateVersion"))
          .append(" (")
          .append(Text.str(r, "candidateImage"))
          .append("), production ")
          .append(Text.str(r, "productionVersion") == null ? "-" : Text.str(r, "productionVersion"))
          .append('\n');
      // failedStep is the 0-based step index; people count steps from 1.
      out.append("Failed at step ")
          .append(r.path("failedStep").asInt() + 1)
          .append(", ")
          .append(r.path("failedWeight").asInt())
          .append("% of traffic; recorded ")
          .append(Text.time(Text.instant(r, "recordedAt"), zone))
          .append('\n');
      out.append("Summary: ").append(Text.str(r, "summary")).append("\n\nFailed checks:\n");
      Table checks = new Table("CHECK", "OBSERVED", "NEEDED", "WHY").limit(3, 100);
      for (JsonNode c : r.path("checks")) {
        String name = Text.str(c, "check");
        checks.row(
            name,
            ExperimentViews.value(name, c.path("observed").asDouble()),
            Text.str(c, "comparison")
                + " "
                + ExperimentViews.value(name, c.path("threshold").asDouble()),
            Text.str(c, "message"));
      }
      out.append(checks.render("  "));
      out.append("\nWindows judged:\n");
      Table windows =
          new Table("TRACK", "VERSION", "START", "END", "REQUESTS", "ERRORS", "ERROR RATE", "P95");
      for (JsonNode w : r.path("windows")) {
        long requests = w.path("requests").asLong();
        long errors = w.path("errors").asLong();
        windows.row(
            Text.str(w, "track"),
            Text.str(w, "version"),
            Text.time(Text.instant(w, "windowStart"), zone),
            Text.clock(Text.instant(w, "windowEnd"), zone),
            requests,
            errors,
            Text.percent(requests == 0 ? 0 : (double) errors / requests),
            Text.millis(w.path("p95LatencyMs").asDouble()));
      }
      out.append(windows.render("  "));
      out.append("\nChaos faults active then:");
      if (r.path("activeFaults").isEmpty()) {
        out.append(" none\n");
      } else {
        Table faults = new Table("FAULT", "KIND", "TRACK", "STARTED", "EXPIRES");
        for (JsonNode f : r.path("activeFaults")) {
          faults.row(
              Text.str(f, "faultId"),
              Text.str(f, "kind"),
              Text.str(f, "track"),
              Text.time(Text.instant(f, "startedAt"), zone),
              Text.time(Text.instant(f, "expiresAt"), zone));
        }
        out.append('\n').append(faults.render("  "));
      }
      out.append("\nTimeline:\n");
      Table timeline = new Table("AT", "FROM", "TO", "ACTOR", "REASON").limit(4, 100);
      for (JsonNode t : r.path("timeline")) {
        timeline.row(
            Text.time(Text.instant(t, "at"), zone),
            Text.str(t, "from"),
            Text.str(t, "to"),
            Text.str(t, "actor"),
            Text.str(t, "reason"));
      }
      return out.append(timeline.render("  ")).toString();
    }
  }

  @Command(
      name = "release",
      description = "Release a quarantine, so that its image may be submitted again.")
  static final class Release extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "The quarantine (experiment) id.")
    String id;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why the quarantine no longer applies (required; goes to the audit log).")
    String reason;

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode().put("reason", reason);
      var reply =
          api().post("/api/v1/quarantine/" + ApiClient.segment(id) + "/release", body, null);
      print(
          reply.body(),
          view ->
              "quarantine of "
                  + Text.str(view, "id")
                  + " ("
                  + Text.str(view, "service")
                  + " "
                  + view.path("candidate").path("image").asText()
                  + ") released; the experiment is now "
                  + Text.str(view, "phase")
                  + "\n");
      return ExitCode.OK;
    }
  }
}
