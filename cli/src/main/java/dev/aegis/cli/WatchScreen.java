package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code aegis watch} shows, as pure functions of the experiment's JSON: a whole frame for a
 * terminal (redrawn in place), or single lines for a log or a pipe (appended as things change).
 */
final class WatchScreen {
  static final String CLEAR_PREVIOUS = "\u001b[%dF\u001b[J";
  private static final int RECENT = 6;

  private WatchScreen() {}

  /**
   * The frame for a terminal {@code width} characters wide; {@code notice} (may be null) goes last.
   */
  static List<String> frame(JsonNode v, Instant now, ZoneId zone, int width, String notice) {
    List<String> lines = new ArrayList<>();
    lines.add("aegis watch " + Text.str(v, "id") + "   " + Text.clock(now, zone));
    lines.add("");
    lines.add(
        field(
            "Service",
            Text.str(v, "service")
                + " "
                + v.path("candidate").path("version").asText()
                + "   (production "
                + (Text.str(v, "productionVersion") == null
                    ? "-"
                    : Text.str(v, "productionVersion"))
                + ")"));
    lines.add(
        field("Phase", Text.str(v, "phase") + (v.path("silent").asBoolean() ? "   SILENT" : "")));
    lines.add(field("Step", ExperimentViews.stepLine(v)));
    lines.add(
        field(
            "Evidence",
            ExperimentViews.evidence(
                v.path("stepProgress"), ExperimentViews.currentMinDuration(v))));
    JsonNode j = v.path("latestJudgment");
    lines.add(
        field(
            "Verdict",
            j.isObject() ? Text.str(j, "verdict") + " - " + Text.str(j, "summary") : "-"));
    lines.add(field("Actuation", ExperimentViews.actuation(v.path("actuation"))));
    lines.add("");
    JsonNode history = v.path("history");
    List<String> recent = new ArrayList<>();
    for (int i = Math.max(0, history.size() - RECENT); i < history.size(); i++) {
      recent.add("  " + historyLine(history.get(i), zone));
    }
    lines.add("Recent transitions:");
    lines.addAll(recent);
    if (notice != null) {
      lines.add("");
      lines.add(notice);
    }
    return lines.stream().map(l -> Table.cut(l, width)).toList();
  }

  /** {@code 12:00:01 CANARY -> PAUSED step 1 at 10% by alice: looking at a dashboard}. */
  static String historyLine(JsonNode h, ZoneId zone) {
    String reason = Text.str(h, "reason");
    return Text.clock(Text.instant(h, "at"), zone)
        + "  "
        + (Text.str(h, "from") == null ? "" : Text.str(h, "from") + " -> ")
        + Text.str(h, "to")
        + "  step "
        + h.path("step").asInt()
        + " at "
        + h.path("weight").asInt()
        + "%"
        + "  by "
        + Text.str(h, "actor")
        + (reason == null ? "" : ": " + reason);
  }

  /**
   * The state in one line, printed whenever it changes: {@code CANARY step 1/3 at 10%, verdict
   * PASS}.
   */
  static String status(JsonNode v) {
    JsonNode j = v.path("latestJudgment");
    int pending = v.path("actuation").path("pendingCommands").asInt();
    return Text.str(v, "phase")
        + " step "
        + v.path("step").asInt()
        + "/"
        + v.path("steps").asInt()
        + " at "
        + v.path("weight").asInt()
        + "%"
        + (j.isObject() ? ", verdict " + Text.str(j, "verdict") : "")
        + (v.path("silent").asBoolean() ? ", SILENT" : "")
        + (pending > 0 ? ", " + pending + " command" + (pending == 1 ? "" : "s") + " pending" : "")
        + (v.path("actuation").path("alarm").asBoolean() ? ", ALARM" : "");
  }

  /** The closing line: how the experiment ended, and where to look next. */
  static String ending(JsonNode v) {
    String phase = Text.str(v, "phase");
    String id = Text.str(v, "id");
    JsonNode j = v.path("latestJudgment");
    String why = j.isObject() && "QUARANTINED".equals(phase) ? ": " + Text.str(j, "summary") : "";
    String next = "QUARANTINED".equals(phase) ? " (RCA: aegis quarantine rca " + id + ")" : "";
    return "experiment " + id + " ended " + phase + why + next;
  }

  private static String field(String name, String value) {
    return String.format("%-11s%s", name + ":", value);
  }
}
