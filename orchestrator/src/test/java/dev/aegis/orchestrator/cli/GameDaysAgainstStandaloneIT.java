package dev.aegis.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.chaos.gameday.GameDays;
import dev.aegis.cli.CliRunner;
import dev.aegis.cli.CliRunner.Run;
import dev.aegis.orchestrator.security.ApiTokens;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every shipped game day, run with {@code aegis gameday run --shipped} against the standalone demo
 * (seeded in-process cluster and workload simulator, no demo experiments of its own), as a chaos
 * engineer would: the fault goes on the cluster, the simulator's windows feel it, and Aegis must
 * reach the expected decision, with an RCA that names the fault when it quarantines.
 */
@AegisComponentTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-the-gameday-test-0123456789",
      "aegis.simulator.enabled=true",
      "aegis.simulator.experiments=false",
      "aegis.simulator.tick=500ms",
      "aegis.chaos.sweep-interval=500ms"
    })
class GameDaysAgainstStandaloneIT {

  @LocalServerPort int port;
  @Autowired ApiTokens tokens;

  private CliRunner cli;

  static Stream<String> shipped() {
    return GameDays.shipped().stream();
  }

  @BeforeEach
  void chaosEngineerOfTheDemo() {
    // What a game day needs and no more: submit and abort experiments, inject and revert faults, in
    // demo.
    String token =
        tokens
            .create(
                "gameday-" + System.nanoTime(),
                List.of("platform-engineer", "chaos-engineer"),
                List.of("demo"),
                null,
                "test")
            .secret();
    cli = new CliRunner().env("AEGIS_SERVER", "http://127.0.0.1:" + port).env("AEGIS_TOKEN", token);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shipped")
  @DisplayName("a shipped game day passes against standalone")
  void shippedGameDayPasses(String file) {
    Run run = cli.run("gameday", "run", "--shipped", file, "--poll", "PT0.5S");
    System.out.println(run.out());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("1 of 1 game days passed");
  }
}
