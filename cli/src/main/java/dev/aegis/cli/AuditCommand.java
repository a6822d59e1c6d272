package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis audit}: who asked Aegis to do what, newest first. */
@Command(name = "audit", description = "Show the audit log, newest first.")
final class AuditCommand extends ApiCommand {

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only entries at or after TIME: an instant, a date, or a duration ago (30m, 2h, 7d).")
  String since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "At most N (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    Instant from;
    try {
      from = since == null ? null : TimeArgs.pointInTime(since, clock());
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--since: " + e.getMessage());
    }
    var reply =
        api().get("/api/v1/audit", ApiClient.Query.none().add("since", from).add("limit", limit));
    print(reply.body(), body -> table(body, clock().getZone()));
    return ExitCode.OK;
  }

  static String table(JsonNode entries, ZoneId zone) {
    if (entries.isEmpty()) {
      return "No audit entries.\n";
    }
    Table table = new Table("AT", "ACTOR", "ACTION", "TARGET", "DETAIL").limit(4, 80);
    for (JsonNode e : entries) {
      JsonNode detail = e.path("detail");
      table.row(
          Text.time(Text.instant(e, "at"), zone),
          Text.str(e, "actor"),
          Text.str(e, "action"),
          Text.str(e, "target"),
          detail.isMissingNode() || detail.isNull() ? null : detail.toString());
    }
    return table.render();
  }
}
