package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tables and descriptions rendered from the API's JSON, character for character. */
class RenderingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2025-05-01T12:00:00Z");
  private static final ZoneId UTC = ZoneOffset.UTC;

  /** An experiment as {@code GET /api/v1/experiments/{id}} returns it, mid-way through step 2. */
  static final String VIEW =
      """
      {"id": "exp-1", "service": "checkout", "namespace": "shop",
       "candidate": {"version": "1.4.2", "image": "registry.example.com/checkout:1.4.2"},
       "productionVersion": "1.4.1", "phase": "CANARY", "step": 2, "steps": 3, "weight": 50, "silent": false,
       "policy": {"steps": [{"weight": 10, "minDuration": "PT24H"}, {"weight": 50, "minDuration": "PT48H"},
                            {"weight": 100, "minDuration": "P7D"}],
                  "slo": {"maxErrorRate": 0.02, "maxP95LatencyMs": 3000.0}, "minRequestsPerStep": 1000,
                  "maxSilence": "PT15M"},
       "stepProgress": {"boundary": "2025-05-01T11:00:00Z", "windows": 12, "requests": 1200, "errors": 3,
                        "p95RequestWeightedSum": 277200.0, "p95Sum": 2772.0, "maxP95Ms": 260.0,
                        "observed": "PT12M", "firstWindowStart": "2025-05-01T11:48:00Z",
                        "coveredUntil": "2025-05-01T12:00:00Z"},
       "latestJudgment": {"verdict": "IN_PROGRESS", "step": 2, "weight": 50,
                          "summary": "step 2 healthy so far; 12m of 48h observed",
                          "checks": [{"name": "error-rate", "observed": 0.0025, "threshold": 0.02, "comparison": "<", "passed": true},
                                     {"name": "p95-latency", "observed": 231.0, "threshold": 3000.0, "comparison": "<", "passed": true},
                                     {"name": "min-duration", "observed": 720.0, "threshold": 172800.0, "comparison": ">=", "passed": false}],
                          "minDurationSeconds": 172800, "at": "2025-05-01T12:00:00Z"},
       "submittedBy": "alice", "origin": "rest", "submittedAt": "2025-04-30T09:00:00Z", "updatedAt": "2025-05-01T11:59:30Z",
       "history": [
         {"id": 1, "from": null, "to": "CANARY", "trigger": "SUBMIT", "step": 1, "weight": 10,
          "reason": "submitted", "actor": "alice", "at": "2025-04-30T09:00:00Z"},
         {"id": 7, "from": "CANARY", "to": "CANARY", "trigger": "STEP_PASSED", "step": 2, "weight": 50,
          "reason": "step 1 passed", "actor": "aegis", "at": "2025-05-01T11:00:00Z"}],
       "commands": [], "router": "istio",
       "actuation": {"pending": true, "pendingCommands": 1, "awaiting": null, "failures": 0, "problem": null, "alarm": false}}
      """;

  static JsonNode view() throws Exception {
    return JSON.readTree(VIEW);
  }

  @Test
  @DisplayName(
      "a table aligns columns three spaces apart, shows nulls as '-', cuts long cells and leaves no trailing blanks")
  void table() {
    String rendered =
        new Table("ID", "NAME", "NOTE")
            .limit(2, 10)
            .row("1", "checkout", "a very long note indeed")
            .row("22", null, "")
            .render();
    assertThat(rendered)
        .isEqualTo(
            """
        ID   NAME       NOTE
        1    checkout   a very ...
        22   -
        """);
  }

  @Test
  @DisplayName(
      "the notification list shows channel, status with digests, attempts and the last error")
  void notificationList() throws Exception {
    JsonNode items =
        JSON.readTree(
            """
        [{"id": "e1@slack", "channel": "slack", "kind": "quarantined", "severity": "critical", "status": "delivered",
          "attempts": 1, "lastError": null, "title": "Quarantined: checkout 1.4.2 in shop", "digestId": "digest/slack/4",
          "createdAt": "2025-05-01T11:59:00Z"},
         {"id": "e2@hook", "channel": "hook", "kind": "promoted", "severity": "info", "status": "failed",
          "attempts": 8, "lastError": "HTTP 503: down", "title": "Promoted: search", "digestId": null,
          "createdAt": "2025-05-01T11:00:00Z"}]
        """);
    assertThat(NotificationsCommand.ListNotifications.table(items, NOW))
        .isEqualTo(
            """
        CREATED   CHANNEL   KIND          SEVERITY   STATUS               TRIES   TITLE                                 ERROR
        60s ago   slack     quarantined   critical   delivered (digest)   1       Quarantined: checkout 1.4.2 in shop
        60m ago   hook      promoted      info       failed               8       Promoted: search                      HTTP 503: down
        """);
    assertThat(NotificationsCommand.ListNotifications.table(JSON.readTree("[]"), NOW))
        .isEqualTo("No notifications.\n");
  }

  @Test
  @DisplayName(
      "the experiment list shows namespace, phase, step, weight, verdict and ages (a dash for a"
          + " server that sends no namespace)")
  void experimentList() throws Exception {
    JsonNode summaries =
        JSON.readTree(
            """
        [{"id": "exp-1", "service": "checkout", "namespace": "shop", "candidateVersion": "1.4.2", "phase": "CANARY", "step": 2, "weight": 50,
          "verdict": "IN_PROGRESS", "submittedAt": "2025-04-30T09:00:00Z", "updatedAt": "2025-05-01T11:59:30Z"},
         {"id": "exp-2", "service": "search", "candidateVersion": "7", "phase": "QUARANTINED", "step": 1, "weight": 10,
          "verdict": null, "submittedAt": "2025-05-01T11:15:00Z", "updatedAt": "2025-05-01T11:20:00Z"}]
        """);
    assertThat(ExperimentViews.list(summaries, NOW))
        .isEqualTo(
            """
        ID      NAMESPACE   SERVICE    CANDIDATE   PHASE         STEP   WEIGHT   VERDICT       AGE   UPDATED
        exp-1   shop        checkout   1.4.2       CANARY        2      50%      IN_PROGRESS   27h   30s ago
        exp-2   -           search     7           QUARANTINED   1      10%      -             45m   40m ago
        """);
    assertThat(ExperimentViews.list(JSON.readTree("[]"), NOW)).isEqualTo("No experiments.\n");
  }

  @Test
  @DisplayName("get describes where the experiment is, why, and how it got there")
  void describe() throws Exception {
    String text = ExperimentViews.describe(view(), NOW, UTC);
    assertThat(text)
        .contains(
            "Experiment: exp-1\n",
            "Service:    checkout (namespace shop, router istio)\n",
            "Candidate:  1.4.2   registry.example.com/checkout:1.4.2\n",
            "Production: 1.4.1\n",
            "Phase:      CANARY\n",
            "Step:       2 of 3 at 50% of traffic   [##########..........]\n",
            "Submitted:  2025-04-30 09:00:00 by alice via rest; updated 30s ago\n",
            "Evidence:   12 windows, 1200 requests, 3 errors (0.25%), p95 231 ms, observed 12m of 2d\n",
            "Verdict:    IN_PROGRESS - step 2 healthy so far; 12m of 48h observed\n",
            "Actuation:  1 command pending\n",
            "Policy:     10% for 1d -> 50% for 2d -> 100% for 7d; error rate < 2.00%, p95 < 3000 ms; 1000 requests per step\n");
    assertThat(text)
        .contains(
            """
          CHECK          OBSERVED   NEEDED      RESULT
          error-rate     0.25%      < 2.00%     pass
          p95-latency    231 ms     < 3000 ms   pass
          min-duration   12m        >= 2d       FAIL
        """);
    assertThat(text)
        .contains(
            """
        History:
          AT                    FROM     TO       STEP   WEIGHT   ACTOR   REASON
          2025-04-30 09:00:00   -        CANARY   1      10%      alice   submitted
          2025-05-01 11:00:00   CANARY   CANARY   2      50%      aegis   step 1 passed
        """);
  }

  @Test
  @DisplayName(
      "a judgment against the baseline shows the score, the chaos active, and BASELINE and WHY columns")
  void comparisonJudgment() throws Exception {
    JsonNode judgment =
        JSON.readTree(
            """
        {"verdict": "FAIL", "summary": "error rate significantly above the baseline", "comparedWith": "baseline",
         "score": {"value": 50.0, "pass": 95.0, "marginal": 75.0, "metrics": 2, "passing": 1, "noData": 0},
         "chaos": [{"faultId": "f-12", "kind": "latency", "track": "canary"}],
         "checks": [
           {"name": "error-rate-comparison", "observed": 0.031, "threshold": 0.01, "comparison": "<=", "passed": false,
            "classification": "HIGH", "baseline": 0.004, "explanation": "3.10% vs 0.40%, p=0.001"},
           {"name": "min-requests", "observed": 1200, "threshold": 1000, "comparison": ">=", "passed": true}]}
        """);
    assertThat(ExperimentViews.checks(judgment.path("checks")).render())
        .isEqualTo(
            """
        CHECK                   OBSERVED   NEEDED     BASELINE   RESULT        WHY
        error-rate-comparison   3.10%      <= 1.00%   0.40%      FAIL (HIGH)   3.10% vs 0.40%, p=0.001
        min-requests            1200       >= 1000    -          pass          -
        """);
    assertThat(ExperimentViews.score(judgment))
        .isEqualTo(
            "50 (pass >= 95, marginal >= 75; 2 metrics, 1 passing, 0 without data) against baseline");
    assertThat(ExperimentViews.chaos(judgment)).isEqualTo("latency on canary (f-12)");
    assertThat(ExperimentViews.score(view().path("latestJudgment"))).isNull();
  }

  @Test
  @DisplayName(
      "watch on a terminal draws a frame cut to the terminal's width; in a log it appends one line per change")
  void watchScreen() throws Exception {
    List<String> frame = WatchScreen.frame(view(), NOW, UTC, 60, "server unreachable, retrying");
    assertThat(frame.get(0)).isEqualTo("aegis watch exp-1   12:00:00");
    assertThat(frame)
        .contains(
            "Phase:     CANARY",
            "Step:      2 of 3 at 50% of traffic   [##########..........]",
            "  11:00:00  CANARY -> CANARY  step 2 at 50%  by aegis: st...",
            "server unreachable, retrying");
    assertThat(frame).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(60));

    assertThat(WatchScreen.status(view()))
        .isEqualTo("CANARY step 2/3 at 50%, verdict IN_PROGRESS, 1 command pending");
    assertThat(WatchScreen.historyLine(view().path("history").get(0), UTC))
        .isEqualTo("09:00:00  CANARY  step 1 at 10%  by alice: submitted");
  }

  @ParameterizedTest(name = "an experiment that ends {0} makes watch exit {1}")
  @CsvSource({"PROMOTED, 0", "RELEASED, 0", "QUARANTINED, 5", "ABORTED, 5"})
  void watchExitCodes(String phase, int exitCode) {
    assertThat(ExperimentViews.SETTLED).contains(phase);
    assertThat(ExperimentViews.exitCode(phase)).isEqualTo(exitCode);
  }

  @Test
  @DisplayName("a quarantined ending names the failing summary and the RCA command")
  void quarantinedEnding() throws Exception {
    JsonNode v = JSON.readTree(VIEW.replace("\"phase\": \"CANARY\"", "\"phase\": \"QUARANTINED\""));
    assertThat(WatchScreen.ending(v))
        .isEqualTo(
            "experiment exp-1 ended QUARANTINED: step 2 healthy so far; 12m of 48h observed (RCA: aegis quarantine rca exp-1)");
  }

  @Test
  @DisplayName(
      "-o json prints the API's JSON unchanged; -o yaml prints the same tree as YAML, version strings quoted")
  void machineFormats() throws Exception {
    JsonNode v = view();
    assertThat(JSON.readTree(OutputFormat.JSON.render(v))).isEqualTo(v);
    String yaml =
        OutputFormat.YAML.render(
            JSON.readTree("{\"id\": \"exp-1\", \"version\": \"1.10\", \"weight\": 50}"));
    assertThat(yaml).isEqualTo("id: exp-1\nversion: \"1.10\"\nweight: 50\n");
  }

  @Test
  @DisplayName(
      "a problem prints title, detail, field and extension members; the status picks the exit code")
  void problems() throws Exception {
    JsonNode problem =
        JSON.readTree(
            """
        {"type": "https://aegis.dev/problems/quarantined-image", "title": "Candidate image is quarantined",
         "status": 409, "detail": "checkout 1.4.2 failed error-rate", "instance": "/api/v1/experiments",
         "field": "candidate.image", "rca": "/api/v1/quarantine/exp-1/rca"}
        """);
    CliException refused = ApiClient.failure(409, problem, "POST /api/v1/experiments");
    assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(refused.lines())
        .containsExactly(
            "error: Candidate image is quarantined: checkout 1.4.2 failed error-rate",
            "  field: candidate.image",
            "  rca: /api/v1/quarantine/exp-1/rca");
    assertThat(ApiClient.failure(404, problem, "GET x").exitCode()).isEqualTo(ExitCode.NOT_FOUND);
    assertThat(ApiClient.failure(400, problem, "POST x").exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(ApiClient.failure(413, null, "POST x").exitCode()).isEqualTo(ExitCode.REFUSED);
    CliException broken = ApiClient.failure(502, null, "GET /api/v1/services");
    assertThat(broken.exitCode()).isEqualTo(ExitCode.SERVER_ERROR);
    assertThat(broken.lines()).containsExactly("error: GET /api/v1/services failed with HTTP 502");
  }

  @ParameterizedTest(name = "duration ''{0}'' is {1}")
  @CsvSource({
    "90s, PT1M30S",
    "10m, PT10M",
    "1h30m, PT1H30M",
    "2d, PT48H",
    "250ms, PT0.25S",
    "PT2M, PT2M",
    "pt5s, PT5S"
  })
  void durations(String text, String iso) {
    assertThat(TimeArgs.duration(text)).isEqualTo(Duration.parse(iso));
  }

  @Test
  @DisplayName(
      "a point in time is an instant, a date at midnight UTC, or a duration ago; anything else is refused")
  void pointsInTime() {
    Clock clock = Clock.fixed(NOW, UTC);
    assertThat(TimeArgs.pointInTime("2025-04-01T08:00:00Z", clock))
        .isEqualTo(Instant.parse("2025-04-01T08:00:00Z"));
    assertThat(TimeArgs.pointInTime("2025-04-01", clock))
        .isEqualTo(Instant.parse("2025-04-01T00:00:00Z"));
    assertThat(TimeArgs.pointInTime("30m", clock)).isEqualTo(Instant.parse("2025-05-01T11:30:00Z"));
    assertThatThrownBy(() -> TimeArgs.pointInTime("10 minutes", clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TimeArgs.duration("5x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("ages read like kubectl's and durations like the policy's")
  void textHelpers() {
    assertThat(Text.age(NOW.minusSeconds(45), NOW)).isEqualTo("45s");
    assertThat(Text.age(NOW.minusSeconds(600), NOW)).isEqualTo("10m");
    assertThat(Text.age(NOW.minusSeconds(5 * 3600), NOW)).isEqualTo("5h");
    assertThat(Text.age(NOW.minus(Duration.ofDays(3)), NOW)).isEqualTo("3d");
    assertThat(Text.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Text.duration(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Text.duration(Duration.ZERO)).isEqualTo("0s");
  }
}
