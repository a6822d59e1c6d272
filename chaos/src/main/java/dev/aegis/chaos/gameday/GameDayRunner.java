package dev.aegis.chaos.gameday;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.chaos.FaultParameters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link GameDay} against an Aegis API: submits the experiment, waits for the step, injects
 * the fault, waits for the decision, checks it (and the RCA), then reverts the fault and aborts the
 * experiment if either is still active. Never throws for what happens on the API: every outcome is
 * a {@link GameDayReport}.
 *
 * <p>Phases an experiment is still running in: SUBMITTED, QUEUED, CANARY, PAUSED, ROLLING_BACK; any
 * other is settled (PROMOTED, QUARANTINED, ABORTED, RELEASED).
 */
public final class GameDayRunner {

  private static final Logger log = LoggerFactory.getLogger(GameDayRunner.class);
  private static final Set<String> RUNNING =
      Set.of("SUBMITTED", "QUEUED", "CANARY", "PAUSED", "ROLLING_BACK");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Polls to wait for the RCA of a quarantine, which may be written just after the phase is. */
  private static final int RCA_ATTEMPTS = 10;

  private final GameDayApi api;
  private final Clock clock;
  private final Duration pollInterval;

  public GameDayRunner(GameDayApi api, Clock clock, Duration pollInterval) {
    this.api = api;
    this.clock = clock;
    this.pollInterval = pollInterval;
  }

  /** Runs {@code gameDay} to its end; see the class comment. */
  public GameDayReport run(GameDay gameDay) {
    Run run = new Run(gameDay, clock.instant());
    try {
      submit(run);
      awaitStep(run);
      inject(run);
      awaitDecision(run);
      check(run);
    } catch (Failed e) {
      run.fail(e.getMessage());
    } catch (GameDayApiException e) {
      run.fail("the API failed: " + e.getMessage());
    } finally {
      cleanUp(run);
    }
    GameDayReport report = run.report(clock.instant());
    log.info(
        "game day {} {}: {}",
        gameDay.name(),
        report.passed() ? "passed" : "failed",
        report.reason());
    return report;
  }

  private void submit(Run run) {
    String stamp = Long.toString(run.startedAt.toEpochMilli(), 36);
    ObjectNode body = run.gameDay.experimentBody(stamp);
    run.candidateVersion = body.path("candidate").path("version").asText(null);
    JsonNode created;
    try {
      created = api.post("/api/v1/experiments", body);
    } catch (GameDayApiException e) {
      throw new Failed(
          "the experiment was not accepted: "
              + e.getMessage()
              + (e.status() == 409
                  ? " (put "
                      + GameDay.RUN_PLACEHOLDER
                      + " in the candidate's version and image so"
                      + " each run submits a fresh candidate)"
                  : ""));
    }
    run.experimentId = created.path("id").asText(null);
    if (run.experimentId == null) {
      throw new Failed("POST /api/v1/experiments answered without an id: " + created);
    }
    run.milestone(
        clock.instant(),
        "submitted experiment "
            + run.experimentId
            + " ("
            + run.gameDay.service()
            + " "
            + run.candidateVersion
            + ")");
    run.observe(clock.instant(), created);
  }

  private void awaitStep(Run run) {
    int atStep = run.gameDay.fault().atStep();
    if (atStep == 0) {
      run.stepReachedAt = clock.instant();
      return;
    }
    Instant deadline = clock.instant().plus(run.gameDay.fault().reachStepWithin());
    while (true) {
      JsonNode view = poll(run);
      // The step counts once the cluster carries it (no actuation pending), and one poll later, so
      // the
      // workload's controllers have caught up (a pod-kill at 50% must find the 50% pods).
      if ("CANARY".equals(run.phase)
          && run.step >= atStep
          && !view.path("actuation").path("pending").asBoolean()) {
        run.stepReachedAt = clock.instant();
        run.milestone(run.stepReachedAt, "step " + atStep + " reached and applied on the cluster");
        sleep();
        return;
      }
      if (!RUNNING.contains(run.phase)) {
        throw new Failed(
            "the experiment settled "
                + run.phase
                + " at step "
                + run.step
                + " before reaching step "
                + atStep
                + "; no fault was injected"
                + judgment(view));
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new Failed(
            "the experiment did not reach CANARY step "
                + atStep
                + " within "
                + run.gameDay.fault().reachStepWithin()
                + " (it is "
                + run.phase
                + " at step "
                + run.step
                + ")");
      }
      sleep();
    }
  }

  private void inject(Run run) {
    GameDay.Fault fault = run.gameDay.fault();
    ObjectNode body = JSON.createObjectNode();
    body.put("kind", fault.kind().wireName());
    ObjectNode target = body.putObject("target");
    target.put("namespace", run.gameDay.namespace());
    target.put("service", run.gameDay.service());
    target.put("track", fault.track().wire());
    body.put("duration", fault.duration().toString());
    body.put("production", fault.production());
    body.set("parameters", parameters(fault.parameters()));
    body.put("experimentId", run.experimentId);
    JsonNode created;
    try {
      created = api.post("/api/v1/chaos/faults", body);
    } catch (GameDayApiException e) {
      throw new Failed("the fault was refused: " + e.getMessage());
    }
    run.faultId = created.path("faultId").asText(null);
    if (run.faultId == null) {
      throw new Failed("POST /api/v1/chaos/faults answered without a faultId: " + created);
    }
    run.mechanism = created.path("mechanism").asText(null);
    run.faultSummary = created.path("summary").asText(null);
    run.injectedAt = clock.instant();
    run.milestone(
        run.injectedAt,
        "injected "
            + fault.kind().wireName()
            + " on "
            + fault.track().wire()
            + " as fault "
            + run.faultId
            + (run.mechanism == null ? "" : " (" + run.mechanism + ")"));
  }

  private void awaitDecision(Run run) {
    Duration within = run.gameDay.expect().within();
    Instant deadline = run.injectedAt.plus(within);
    while (true) {
      poll(run);
      if (!RUNNING.contains(run.phase)) {
        run.decidedAt = clock.instant();
        run.milestone(run.decidedAt, "settled " + run.phase);
        return;
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new Failed(
            "no decision within "
                + within
                + " of the injection: the experiment is still "
                + run.phase
                + " at step "
                + run.step
                + " (expected "
                + run.gameDay.expect().phase()
                + ")");
      }
      sleep();
    }
  }

  private void check(Run run) {
    GameDay.Expectation expect = run.gameDay.expect();
    if ("QUARANTINED".equals(run.phase)) {
      try {
        readRca(run);
      } catch (Failed e) {
        if (expect.rcaNamesFault() && expect.phase().equals(run.phase)) {
          throw e;
        }
        run.cleanup.add(e.getMessage());
      }
    }
    if (!expect.phase().equals(run.phase)) {
      throw new Failed(
          "expected "
              + expect.phase()
              + ", the experiment settled "
              + run.phase
              + (run.rcaSummary == null ? "" : " (RCA: " + run.rcaSummary + ")"));
    }
    if (expect.rcaNamesFault() && !run.rcaFaultIds.contains(run.faultId)) {
      throw new Failed(
          "the RCA does not name fault "
              + run.faultId
              + " (its activeFaults: "
              + (run.rcaFaultIds.isEmpty() ? "none" : String.join(", ", run.rcaFaultIds))
              + ")");
    }
    run.pass(
        run.phase
            + " as expected"
            + run.injectionToDecision()
                .map(d -> ", " + seconds(d) + " after the injection")
                .orElse("")
            + (expect.rcaNamesFault() ? ", and the RCA names fault " + run.faultId : ""));
  }

  private void readRca(Run run) {
    for (int attempt = 1; ; attempt++) {
      try {
        JsonNode rca = api.get("/api/v1/quarantine/" + run.experimentId + "/rca");
        run.rcaSummary = rca.path("summary").asText(null);
        for (JsonNode fault : rca.path("activeFaults")) {
          run.rcaFaultIds.add(fault.path("faultId").asText());
        }
        return;
      } catch (GameDayApiException e) {
        if (e.status() != 404 || attempt >= RCA_ATTEMPTS) {
          throw new Failed("the RCA of " + run.experimentId + " cannot be read: " + e.getMessage());
        }
        sleep();
      }
    }
  }

  private void cleanUp(Run run) {
    if (run.faultId != null) {
      try {
        api.post("/api/v1/chaos/faults/" + run.faultId + "/revert", JSON.createObjectNode());
        run.cleanup.add("fault " + run.faultId + " reverted");
      } catch (GameDayApiException e) {
        run.cleanup.add(
            e.status() == 409
                ? "fault " + run.faultId + " had already ended: " + e.detail()
                : "fault " + run.faultId + " NOT reverted: " + e.getMessage());
      }
    }
    if (run.experimentId != null && (run.phase == null || RUNNING.contains(run.phase))) {
      ObjectNode reason =
          JSON.createObjectNode().put("reason", "game day " + run.gameDay.name() + " ended");
      try {
        api.post("/api/v1/experiments/" + run.experimentId + "/abort", reason);
        run.cleanup.add(
            "experiment " + run.experimentId + " aborted (it was still " + run.phase + ")");
      } catch (GameDayApiException e) {
        run.cleanup.add("experiment " + run.experimentId + " NOT aborted: " + e.getMessage());
      }
    }
    try {
      if (run.experimentId != null) {
        run.history(api.get("/api/v1/experiments/" + run.experimentId));
      }
    } catch (GameDayApiException e) {
      run.cleanup.add("history unavailable: " + e.getMessage());
    }
  }

  private JsonNode poll(Run run) {
    JsonNode view = api.get("/api/v1/experiments/" + run.experimentId);
    run.observe(clock.instant(), view);
    return view;
  }

  private static JsonNode parameters(FaultParameters p) {
    ObjectNode node = JSON.valueToTree(p);
    List<String> empty = new ArrayList<>();
    node.fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isNull()) {
                empty.add(f.getKey());
              }
            });
    node.remove(empty);
    return node;
  }

  private static String judgment(JsonNode view) {
    JsonNode summary = view.path("latestJudgment").path("summary");
    return summary.isTextual() ? " (latest judgment: " + summary.asText() + ")" : "";
  }

  private void sleep() {
    try {
      Thread.sleep(pollInterval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted");
    }
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** Ends a run early with a reason. */
  private static final class Failed extends RuntimeException {
    Failed(String reason) {
      super(reason, null, false, false);
    }
  }

  /** What one run has seen so far. */
  private static final class Run {
    final GameDay gameDay;
    final Instant startedAt;
    final List<GameDayReport.Milestone> milestones = new ArrayList<>();
    final List<GameDayReport.HistoryEntry> history = new ArrayList<>();
    final List<String> cleanup = new ArrayList<>();
    final List<String> rcaFaultIds = new ArrayList<>();
    String experimentId;
    String candidateVersion;
    String phase;
    int step;
    int weight = -1;
    String faultId;
    String mechanism;
    String faultSummary;
    String rcaSummary;
    Instant stepReachedAt;
    Instant injectedAt;
    Instant decidedAt;
    boolean passed;
    String reason;

    Run(GameDay gameDay, Instant startedAt) {
      this.gameDay = gameDay;
      this.startedAt = startedAt;
    }

    void observe(Instant at, JsonNode view) {
      String newPhase = view.path("phase").asText(null);
      int newStep = view.path("step").asInt(0);
      int newWeight = view.path("weight").asInt(0);
      if (newPhase != null && (!newPhase.equals(phase) || newStep != step || newWeight != weight)) {
        milestone(at, newPhase + " step " + newStep + " weight " + newWeight + "%");
      }
      phase = newPhase == null ? phase : newPhase;
      step = newStep;
      weight = newWeight;
    }

    void history(JsonNode view) {
      for (JsonNode h : view.path("history")) {
        Instant at;
        try {
          at = h.hasNonNull("at") ? Instant.parse(h.get("at").asText()) : null;
        } catch (DateTimeParseException e) {
          at = null;
        }
        history.add(
            new GameDayReport.HistoryEntry(
                at,
                h.path("from").asText(null),
                h.path("to").asText(null),
                h.path("reason").asText(null)));
      }
    }

    void milestone(Instant at, String what) {
      milestones.add(new GameDayReport.Milestone(at, what));
    }

    Optional<Duration> injectionToDecision() {
      return injectedAt == null || decidedAt == null
          ? Optional.empty()
          : Optional.of(Duration.between(injectedAt, decidedAt));
    }

    void pass(String why) {
      passed = true;
      reason = why;
    }

    void fail(String why) {
      passed = false;
      reason = why;
    }

    GameDayReport report(Instant finishedAt) {
      return new GameDayReport(
          gameDay.name(),
          gameDay.description(),
          gameDay.source(),
          gameDay.fault().atStep(),
          experimentId,
          candidateVersion,
          faultId,
          mechanism,
          faultSummary,
          gameDay.expect(),
          phase,
          step,
          rcaSummary,
          rcaFaultIds,
          passed,
          reason == null ? "not finished" : reason,
          startedAt,
          stepReachedAt,
          injectedAt,
          decidedAt,
          finishedAt,
          milestones,
          history,
          cleanup);
    }
  }
}
