package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Experiments for people: the list table, the {@code get} description, and what {@code watch} needs
 * to know about phases. Pure functions of the API's JSON ({@code ExperimentView} and its summary).
 */
final class ExperimentViews {
  /** Phases in which the canary run is over (the server's {@code Phase.isSettled()}). */
  static final Set<String> SETTLED = Set.of("PROMOTED", "QUARANTINED", "ABORTED", "RELEASED");

  /** Settled phases that a script gating a release must treat as failure. */
  static final Set<String> FAILED = Set.of("QUARANTINED", "ABORTED");

  private static final Set<String> LIVE = Set.of("CANARY", "PAUSED", "ROLLING_BACK");
  private static final int BAR = 20;

  private ExperimentViews() {}

  static boolean isSettled(JsonNode view) {
    return SETTLED.contains(Text.str(view, "phase"));
  }

  /** Whether the experiment holds traffic (a step and weight mean something). */
  static boolean isLive(JsonNode view) {
    return LIVE.contains(Text.str(view, "phase"));
  }

  /** The exit code of {@code watch} for an experiment that settled in {@code phase}. */
  static int exitCode(String phase) {
    return FAILED.contains(phase) ? ExitCode.EXPERIMENT_FAILED : ExitCode.OK;
  }

  /** The table of {@code GET /api/v1/experiments}. */
  static String list(JsonNode summaries, Instant now) {
    if (summaries.isEmpty()) {
      return "No experiments.\n";
    }
    Table table =
        new Table(
            "ID",
            "NAMESPACE",
            "SERVICE",
            "CANDIDATE",
            "PHASE",
            "STEP",
            "WEIGHT",
            "VERDICT",
            "AGE",
            "UPDATED");
    for (JsonNode s : summaries) {
      table.row(
          Text.str(s, "id"),
          Text.str(s, "namespace"), // "-" from a server before the list carried it
          Text.str(s, "service"),
          Text.str(s, "candidateVersion"),
          Text.str(s, "phase"),
          s.path("step").asInt(),
          s.path("weight").asInt() + "%",
          Text.str(s, "verdict"),
          Text.age(Text.instant(s, "submittedAt"), now),
          Text.ago(Text.instant(s, "updatedAt"), now));
    }
    return table.render();
  }

  /** The description printed by {@code aegis get}. */
  static String describe(JsonNode v, Instant now, ZoneId zone) {
    StringBuilder out = new StringBuilder();
    field(out, "Experiment", Text.str(v, "id"));
    field(
        out,
        "Service",
        Text.str(v, "service")
            + " (namespace "
            + Text.str(v, "namespace")
            + ", router "
            + Text.str(v, "router")
            + ")");
    field(
        out,
        "Candidate",
        v.path("candidate").path("version").asText()
            + "   "
            + v.path("candidate").path("image").asText());
    field(
        out,
        "Production",
        Text.str(v, "productionVersion") == null ? "-" : Text.str(v, "productionVersion"));
    field(
        out,
        "Phase",
        Text.str(v, "phase")
            + (v.path("silent").asBoolean() ? "   (SILENT: no health windows)" : ""));
    field(out, "Step", stepLine(v));
    field(
        out,
        "Submitted",
        Text.time(Text.instant(v, "submittedAt"), zone)
            + " by "
            + Text.str(v, "submittedBy")
            + " via "
            + Text.str(v, "origin")
            + "; updated "
            + Text.ago(Text.instant(v, "updatedAt"), now));
    field(out, "Evidence", evidence(v.path("stepProgress"), currentMinDuration(v)));
    JsonNode judgment = v.path("latestJudgment");
    if (judgment.isObject()) {
      field(out, "Verdict", Text.str(judgment, "verdict") + " - " + Text.str(judgment, "summary"));
      if (score(judgment) != null) {
        field(out, "Score", score(judgment));
      }
      if (chaos(judgment) != null) {
        field(out, "Chaos", chaos(judgment));
      }
      out.append(checks(judgment.path("checks")).render("  "));
    } else {
      field(out, "Verdict", "-");
    }
    field(out, "Actuation", actuation(v.path("actuation")));
    field(out, "Policy", policy(v.path("policy")));
    out.append("\nHistory:\n").append(history(v.path("history"), zone).render("  "));
    return out.toString();
  }

  /**
   * {@code 2 of 3 at 50% of traffic [##########..........]}, or the last step reached when settled.
   */
  static String stepLine(JsonNode v) {
    int weight = v.path("weight").asInt();
    return v.path("step").asInt()
        + " of "
        + v.path("steps").asInt()
        + " at "
        + weight
        + "% of traffic   "
        + bar(weight);
  }

  /** A 20-character traffic bar, ASCII so that it prints on every terminal. */
  static String bar(int weight) {
    int filled = Math.max(0, Math.min(BAR, Math.round(weight * BAR / 100f)));
    return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
  }

  static Duration currentMinDuration(JsonNode v) {
    JsonNode steps = v.path("policy").path("steps");
    int index = v.path("step").asInt() - 1;
    return index >= 0 && index < steps.size()
        ? Text.duration(steps.get(index), "minDuration")
        : null;
  }

  /** {@code 12 windows, 1200 requests, 3 errors (0.25%), p95 231 ms, observed 12s of 24h}. */
  static String evidence(JsonNode p, Duration minDuration) {
    if (!p.isObject() || p.path("windows").asLong() == 0) {
      return "no health windows yet in this step";
    }
    long requests = p.path("requests").asLong();
    long errors = p.path("errors").asLong();
    double p95 =
        requests > 0
            ? p.path("p95RequestWeightedSum").asDouble() / requests
            : p.path("p95Sum").asDouble() / p.path("windows").asLong();
    return p.path("windows").asLong()
        + " windows, "
        + requests
        + " requests, "
        + errors
        + " errors ("
        + Text.percent(requests == 0 ? 0 : (double) errors / requests)
        + "), p95 "
        + Text.millis(p95)
        + ", observed "
        + Text.duration(Text.duration(p, "observed"))
        + (minDuration == null ? "" : " of " + Text.duration(minDuration));
  }

  /**
   * The judgment's checks. The BASELINE and WHY columns appear only when some check carries a
   * baseline value or an explanation (comparison with the baseline track); RESULT names the
   * classification (HIGH, LOW, NODATA) when it says more than pass/fail.
   */
  static Table checks(JsonNode checks) {
    boolean baseline = false;
    boolean why = false;
    for (JsonNode c : checks) {
      baseline |= c.hasNonNull("baseline");
      why |= c.hasNonNull("explanation");
    }
    List<String> headers = new ArrayList<>(List.of("CHECK", "OBSERVED", "NEEDED"));
    if (baseline) {
      headers.add("BASELINE");
    }
    headers.add("RESULT");
    if (why) {
      headers.add("WHY");
    }
    Table table = new Table(headers.toArray(String[]::new));
    if (why) {
      table.limit(headers.size() - 1, 100);
    }
    for (JsonNode c : checks) {
      String name = Text.str(c, "name");
      List<Object> row = new ArrayList<>();
      row.add(name);
      row.add(value(name, c.path("observed").asDouble()));
      row.add(Text.str(c, "comparison") + " " + value(name, c.path("threshold").asDouble()));
      if (baseline) {
        row.add(c.hasNonNull("baseline") ? value(name, c.path("baseline").asDouble()) : null);
      }
      String classification = Text.str(c, "classification");
      row.add(
          (c.path("passed").asBoolean() ? "pass" : "FAIL")
              + (classification == null || "PASS".equals(classification)
                  ? ""
                  : " (" + classification + ")"));
      if (why) {
        row.add(Text.str(c, "explanation"));
      }
      table.row(row.toArray());
    }
    return table;
  }

  /**
   * A check's number in its own unit: a ratio as a percentage (error-rate checks), latency in ms
   * (p95 checks), time as a duration, counts as integers.
   */
  static String value(String check, double v) {
    if (check == null) {
      return Text.number(v);
    }
    if (check.contains("error-rate")) {
      return Text.percent(v);
    }
    if (check.contains("p95")) {
      return Text.millis(v);
    }
    return switch (check) {
      case "min-duration", "silence" -> Text.duration(Duration.ofMillis(Math.round(v * 1000)));
      default -> Text.number(v);
    };
  }

  /**
   * {@code 87 (pass >= 95, marginal >= 75; 2 metrics, 1 passing, 0 without data) against baseline},
   * or null.
   */
  static String score(JsonNode judgment) {
    JsonNode score = judgment.path("score");
    if (!score.isObject()) {
      return null;
    }
    String value =
        score.hasNonNull("value") ? Text.number(score.path("value").asDouble()) : "no data";
    return value
        + " (pass >= "
        + Text.number(score.path("pass").asDouble())
        + ", marginal >= "
        + Text.number(score.path("marginal").asDouble())
        + "; "
        + score.path("metrics").asInt()
        + " metrics, "
        + score.path("passing").asInt()
        + " passing, "
        + score.path("noData").asInt()
        + " without data)"
        + (Text.str(judgment, "comparedWith") == null
            ? ""
            : " against " + Text.str(judgment, "comparedWith"));
  }

  /**
   * The chaos faults active during the step: {@code latency on canary (f-12), ...}, or null when
   * none.
   */
  static String chaos(JsonNode judgment) {
    List<String> faults = new ArrayList<>();
    for (JsonNode f : judgment.path("chaos")) {
      faults.add(
          Text.str(f, "kind")
              + " on "
              + Text.str(f, "track")
              + " ("
              + Text.str(f, "faultId")
              + ")");
    }
    return faults.isEmpty() ? null : String.join(", ", faults);
  }

  static String actuation(JsonNode a) {
    if (!a.isObject()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    int pending = a.path("pendingCommands").asInt();
    parts.add(
        pending == 0
            ? "all commands carried out"
            : pending + " command" + (pending == 1 ? "" : "s") + " pending");
    if (Text.str(a, "awaiting") != null) {
      parts.add("awaiting " + Text.str(a, "awaiting"));
    }
    if (a.path("failures").asInt() > 0) {
      parts.add(a.path("failures").asInt() + " failures");
    }
    if (Text.str(a, "problem") != null) {
      parts.add("problem: " + Text.str(a, "problem"));
    }
    if (a.path("alarm").asBoolean()) {
      parts.add("ALARM: a rollback keeps failing, a human must look");
    }
    return String.join("; ", parts);
  }

  /**
   * {@code 10% for 24h -> 50% for 48h -> 100% for 7d; error rate < 2.00%, p95 < 3000 ms; 1000
   * requests per step}.
   */
  static String policy(JsonNode p) {
    if (!p.isObject()) {
      return "-";
    }
    List<String> steps = new ArrayList<>();
    for (JsonNode s : p.path("steps")) {
      steps.add(
          s.path("weight").asInt() + "% for " + Text.duration(Text.duration(s, "minDuration")));
    }
    JsonNode slo = p.path("slo");
    return String.join(" -> ", steps)
        + "; error rate < "
        + Text.percent(slo.path("maxErrorRate").asDouble())
        + ", p95 < "
        + Text.millis(slo.path("maxP95LatencyMs").asDouble())
        + "; "
        + p.path("minRequestsPerStep").asLong()
        + " requests per step";
  }

  static Table history(JsonNode history, ZoneId zone) {
    Table table = new Table("AT", "FROM", "TO", "STEP", "WEIGHT", "ACTOR", "REASON").limit(6, 100);
    for (JsonNode h : history) {
      table.row(
          Text.time(Text.instant(h, "at"), zone),
          Text.str(h, "from"),
          Text.str(h, "to"),
          h.path("step").asInt(),
          h.path("weight").asInt() + "%",
          Text.str(h, "actor"),
          Text.str(h, "reason"));
    }
    return table;
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(String.format(Locale.ROOT, "%-12s%s\n", name + ":", value == null ? "-" : value));
  }
}
