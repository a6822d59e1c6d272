package dev.aegis.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.cli.CliRunner;
import dev.aegis.cli.CliRunner.Run;
import dev.aegis.cli.ExitCode;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.security.ApiTokens;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code aegis chaos} against the real application: inject into a canary under analysis, list,
 * revert, and the kill switch, with the exit codes a script would branch on.
 */
@AegisComponentTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-the-chaos-cli-test-0123456789"
    })
class ChaosCliIT {

  private static final String NAMESPACE = "shop";
  private static final Pattern FAULT = Pattern.compile("fault (f-[0-9a-f]+) ACTIVE");

  @LocalServerPort int port;
  @Autowired KubernetesClient cluster;
  @Autowired ApiTokens tokens;
  @Autowired ExperimentService experiments;

  @Test
  @DisplayName(
      "a chaos engineer injects, lists and reverts a fault; the kill switch refuses the next one until resumed")
  void chaosFromTheTerminal() {
    String service = "chaos-cli";
    cluster
        .resource(
            ClusterFixtures.stableDeployment(
                NAMESPACE, service, "registry.local/" + service + ":v1", 4))
        .create();
    cluster.resource(ClusterFixtures.stableService(NAMESPACE, service)).create();
    experiments.submit(
        new ExperimentSubmitted(
            service,
            NAMESPACE,
            new Candidate("v2", "registry.local/" + service + ":v2"),
            new PolicySpec(
                List.of(
                    new StepSpec(10, Duration.ofHours(1)), new StepSpec(100, Duration.ofHours(1))),
                new SloSpec(0.02, 3000.0),
                100L,
                Duration.ofHours(1)),
            "replica-ratio"),
        ExperimentService.Origin.rest("test"),
        null);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                cluster
                        .apps()
                        .deployments()
                        .inNamespace(NAMESPACE)
                        .withName(service + "-canary")
                        .get()
                    != null);
    String token =
        tokens
            .create("chaos-cli", List.of("chaos-engineer", "sre"), List.of("*"), null, "test")
            .secret();
    CliRunner cli =
        new CliRunner().env("AEGIS_SERVER", "http://127.0.0.1:" + port).env("AEGIS_TOKEN", token);

    Run injected =
        cli.run(
            "chaos",
            "inject",
            "network-partition",
            "--service",
            service,
            "-n",
            NAMESPACE,
            "--duration",
            "PT5M",
            "--reason",
            "cli test");
    assertThat(injected.exitCode()).as(injected.toString()).isZero();
    Matcher m = FAULT.matcher(injected.out());
    assertThat(m.find()).as(injected.out()).isTrue();
    String id = m.group(1);
    assertThat(injected.out()).contains("NetworkPolicy " + NAMESPACE + "/aegis-chaos-" + id);

    Run listed = cli.run("chaos", "list", "--live");
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out())
        .contains(id, "network-partition", NAMESPACE + "/" + service + " (canary)");

    Run badParameter =
        cli.run(
            "chaos",
            "inject",
            "pod-kill",
            "--service",
            service,
            "-n",
            NAMESPACE,
            "--duration",
            "PT1M",
            "-p",
            "share=7");
    assertThat(badParameter.exitCode()).as(badParameter.toString()).isEqualTo(ExitCode.REFUSED);
    assertThat(badParameter.err()).contains("share");

    Run reverted = cli.run("chaos", "revert", id, "--reason", "seen enough");
    assertThat(reverted.exitCode()).as(reverted.toString()).isZero();
    assertThat(reverted.out()).contains(id + " REVERTED");

    Run stopped = cli.run("chaos", "stop-all", "--reason", "cli test");
    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    assertThat(stopped.out()).contains("chaos halted");
    Run refused =
        cli.run(
            "chaos",
            "inject",
            "network-partition",
            "--service",
            service,
            "-n",
            NAMESPACE,
            "--duration",
            "PT1M");
    assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
    assertThat(refused.err()).contains("kill switch");
    Run resumed = cli.run("chaos", "resume");
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    assertThat(resumed.out()).contains("re-armed by chaos-cli");
  }
}
