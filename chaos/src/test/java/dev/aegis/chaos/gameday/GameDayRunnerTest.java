package dev.aegis.chaos.gameday;

import static dev.aegis.chaos.gameday.ScriptedAegis.EXPERIMENT;
import static dev.aegis.chaos.gameday.ScriptedAegis.FAULT;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A game day run against a real HTTP server playing the Aegis API, passing and failing. */
class GameDayRunnerTest {

  @RegisterExtension final ScriptedAegis aegis = new ScriptedAegis();

  private static final String REVERT = "/api/v1/chaos/faults/" + FAULT + "/revert";
  private static final String ABORT = "/api/v1/experiments/" + EXPERIMENT + "/abort";

  private GameDayReport run(String yaml) {
    GameDayApi api =
        new HttpGameDayApi(aegis.uri(), Optional.of("secret-token"), Duration.ofSeconds(5));
    GameDayReport report =
        new GameDayRunner(api, Clock.systemUTC(), Duration.ofMillis(5))
            .run(GameDaysTest.parse(yaml));
    System.out.println(report.render());
    return report;
  }

  private static final String PARTITION =
      """
      name: partition-at-50
      description: A canary cut off from the network at its 50% step is quarantined.
      experiment:
        service: checkout
        namespace: demo
        candidate: {version: "2.0.0-gd.${run}", image: "registry.local/demo/checkout:2.0.0-gd.${run}"}
      fault:
        atStep: 2
        kind: network-partition
        duration: PT2M
      expect:
        phase: QUARANTINED
        within: PT1M
      """;

  @Test
  void aQuarantineWhoseRcaNamesTheFaultPasses() {
    aegis
        .before("QUEUED/1/0", "CANARY/1/10", "CANARY/1/10", "CANARY/2/50")
        .after("CANARY/2/50", "ROLLING_BACK/2/0", "QUARANTINED/2/0")
        .rcaNaming(FAULT);

    GameDayReport report = run(PARTITION);

    assertThat(report.passed()).as(report.reason()).isTrue();
    assertThat(report.actualPhase()).isEqualTo("QUARANTINED");
    assertThat(report.rcaFaultIds()).containsExactly(FAULT);
    assertThat(report.mechanism()).isEqualTo("native");
    assertThat(report.injectionToDecision()).isPresent();
    assertThat(report.submittedToStep()).isPresent();
    var submitted = aegis.requests("POST", "/api/v1/experiments").get(0);
    assertThat(submitted.authorization()).isEqualTo("Bearer secret-token");
    assertThat(submitted.body().path("candidate").path("version").asText())
        .startsWith("2.0.0-gd.")
        .doesNotContain("${run}");
    var fault = aegis.requests("POST", "/api/v1/chaos/faults").get(0).body();
    assertThat(fault.toString())
        .isEqualTo(
            "{\"kind\":\"network-partition\",\"target\":{\"namespace\":\"demo\","
                + "\"service\":\"checkout\",\"track\":\"canary\"},\"duration\":\"PT2M\",\"production\":false,"
                + "\"parameters\":{},\"experimentId\":\"exp-1\"}");
    assertThat(aegis.requests("GET", "/api/v1/experiments/" + EXPERIMENT))
        .hasSizeGreaterThanOrEqualTo(7);
    assertThat(aegis.requests("POST", REVERT)).hasSize(1);
    assertThat(aegis.requests("POST", ABORT)).isEmpty();
    assertThat(report.milestones())
        .extracting(GameDayReport.Milestone::what)
        .contains("step 2 reached and applied on the cluster", "settled QUARANTINED");
    assertThat(report.render())
        .contains("PASSED", "RCA", "chaos active then", "injection → decision");
  }

  @Test
  void theFaultIsInjectedOnlyOnceTheStepIsReached() {
    aegis
        .before("CANARY/1/10", "CANARY/1/10", "CANARY/2/50")
        .after("QUARANTINED/2/0")
        .rcaNaming(FAULT);

    run(PARTITION);

    var requests = aegis.requests();
    int injection = requests.indexOf(aegis.requests("POST", "/api/v1/chaos/faults").get(0));
    assertThat(requests.subList(0, injection))
        .extracting(ScriptedAegis.Request::path)
        .containsExactly(
            "/api/v1/experiments",
            "/api/v1/experiments/exp-1",
            "/api/v1/experiments/exp-1",
            "/api/v1/experiments/exp-1");
  }

  @Test
  void anRcaThatDoesNotNameTheFaultFails() {
    aegis.before("CANARY/2/50").after("QUARANTINED/2/0").rcaNaming("some-other-fault");

    GameDayReport report = run(PARTITION);

    assertThat(report.passed()).isFalse();
    assertThat(report.reason())
        .isEqualTo("the RCA does not name fault fault-1 (its activeFaults: some-other-fault)");
  }

  @Test
  void aPromotionWhereAQuarantineWasExpectedFails() {
    aegis.before("CANARY/2/50").after("CANARY/3/100", "PROMOTED/3/100");

    GameDayReport report = run(PARTITION);

    assertThat(report.passed()).isFalse();
    assertThat(report.reason()).isEqualTo("expected QUARANTINED, the experiment settled PROMOTED");
    assertThat(report.render()).contains("FAILED");
  }

  @Test
  void anExperimentThatSettlesBeforeTheStepFailsFastWithoutAFault() {
    aegis.before("CANARY/1/10", "ROLLING_BACK/1/0", "QUARANTINED/1/0");

    GameDayReport report = run(PARTITION);

    assertThat(report.passed()).isFalse();
    assertThat(report.reason())
        .startsWith(
            "the experiment settled QUARANTINED at step 1 before reaching step 2;"
                + " no fault was injected");
    assertThat(aegis.requests("POST", "/api/v1/chaos/faults")).isEmpty();
    assertThat(aegis.requests("POST", ABORT)).isEmpty();
  }

  @Test
  void noDecisionWithinTheTimeFailsRevertsTheFaultAndAbortsTheExperiment() {
    aegis.before("CANARY/2/50").after("CANARY/2/50");

    GameDayReport report = run(PARTITION.replace("within: PT1M", "within: PT0.2S"));

    assertThat(report.passed()).isFalse();
    assertThat(report.reason())
        .isEqualTo(
            "no decision within PT0.2S of the injection: the experiment is still CANARY"
                + " at step 2 (expected QUARANTINED)");
    assertThat(aegis.requests("POST", REVERT)).hasSize(1);
    assertThat(aegis.requests("POST", ABORT)).hasSize(1);
    assertThat(aegis.requests("POST", ABORT).get(0).body().path("reason").asText())
        .isEqualTo("game day partition-at-50 ended");
    assertThat(report.cleanup())
        .contains("fault fault-1 reverted", "experiment exp-1 aborted (it was still CANARY)");
  }

  @Test
  void aBenignFaultPassesOnPromotionAndAnAlreadyExpiredFaultIsFine() {
    aegis
        .before("CANARY/1/10")
        .after("CANARY/2/50", "CANARY/3/100", "PROMOTED/3/100")
        .answer(
            "POST",
            REVERT,
            409,
            "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"fault fault-1 already"
                + " expired\"}");

    GameDayReport report =
        run(
            """
        name: pod-kill-is-benign
        experiment:
          service: checkout
          namespace: demo
          candidate: {version: "2.0.1", image: "registry.local/demo/checkout:2.0.1"}
        fault:
          atStep: 1
          kind: pod-kill
          duration: PT1M
          parameters: {share: 1.0, maxPods: 1}
        expect:
          phase: PROMOTED
          within: PT1M
        """);

    assertThat(report.passed()).as(report.reason()).isTrue();
    assertThat(report.reason()).startsWith("PROMOTED as expected");
    assertThat(report.rcaSummary()).isNull();
    assertThat(
            aegis
                .requests("POST", "/api/v1/chaos/faults")
                .get(0)
                .body()
                .path("parameters")
                .toString())
        .isEqualTo("{\"share\":1.0,\"maxPods\":1}");
    assertThat(report.cleanup())
        .containsExactly("fault fault-1 had already ended: fault fault-1 already expired");
  }

  @Test
  void aRefusedFaultFailsWithTheRefusalAndAbortsTheExperiment() {
    aegis
        .before("CANARY/2/50")
        .answer(
            "POST",
            "/api/v1/chaos/faults",
            422,
            "{\"title\":\"Fault refused\","
                + "\"status\":422,\"reason\":\"no-http-fault-route\",\"detail\":\"no Istio VirtualService demo/payments\"}");

    GameDayReport report = run(PARTITION);

    assertThat(report.passed()).isFalse();
    assertThat(report.reason())
        .isEqualTo(
            "the fault was refused: POST /api/v1/chaos/faults answered 422: no Istio"
                + " VirtualService demo/payments");
    assertThat(report.faultId()).isNull();
    assertThat(aegis.requests("POST", ABORT)).hasSize(1);
  }

  @Test
  void anUnreachableApiFailsWithoutThrowing() {
    GameDayApi api =
        new HttpGameDayApi(
            URI.create("http://127.0.0.1:1"), Optional.empty(), Duration.ofSeconds(2));

    GameDayReport report =
        new GameDayRunner(api, Clock.systemUTC(), Duration.ofMillis(5))
            .run(GameDaysTest.parse(PARTITION));

    System.out.println(report.render());
    assertThat(report.passed()).isFalse();
    assertThat(report.reason())
        .startsWith(
            "the experiment was not accepted: POST http://127.0.0.1:1/api/v1/experiments"
                + " failed");
  }
}
