package dev.aegis.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.cli.CliRunner;
import dev.aegis.cli.CliRunner.Run;
import dev.aegis.cli.ExitCode;
import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.Events;
import dev.aegis.events.Topics;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.security.ApiTokens;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The {@code aegis} CLI against the real application on a random port (real broker, PostgreSQL and
 * in-process Kubernetes API): every command is run in-process as the launcher script runs it, and
 * its output and exit code are asserted.
 */
@AegisComponentTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-the-cli-test-0123456789abcdef"
    })
class CliAgainstServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SUBMITTED = Pattern.compile("experiment (\\S+) submitted");
  private static final String NAMESPACE = "shop";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @LocalServerPort int port;
  @Autowired KubernetesClient cluster;
  @Autowired ApiTokens tokens;
  @TempDir Path dir;

  private CliRunner cli;

  @BeforeEach
  void pointTheCliAtTheServer() {
    // A real API token: the actor in the audit log is the principal it authenticates as.
    String token =
        tokens
            .create("cli-tester", List.of("platform-engineer", "sre"), List.of("*"), null, "test")
            .secret();
    cli = new CliRunner().env("AEGIS_SERVER", "http://127.0.0.1:" + port).env("AEGIS_TOKEN", token);
  }

  @Test
  @DisplayName(
      "an experiment driven from the CLI: submit a manifest, list, get, pause, resume, abort, and watch exits 5 on ABORTED")
  void driveAnExperiment() throws Exception {
    deployStable("cli-cart");
    Path manifest =
        write(
            "experiment.yaml",
            """
        apiVersion: aegis.dev/v1alpha1
        kind: Experiment
        metadata:
          name: cli-cart-v2
          namespace: shop
        spec:
          service: cli-cart
          candidate:
            version: v2
            image: registry.local/cli-cart:v2
          policy:
            steps:
              - weight: 10
                minDuration: PT1H
              - weight: 100
                minDuration: PT1H
            slo:
              maxErrorRate: 0.02
              maxP95LatencyMs: 3000
            minRequestsPerStep: 50
        """);

    Run submitted = ok(cli.run("submit", "-f", manifest.toString()));
    assertThat(submitted.out()).contains("cli-cart v2 is CANARY, step 1 of 2 at 10% of traffic");
    String id = idOf(submitted);

    Run list = ok(cli.run("list", "--service", "cli-cart"));
    assertThat(list.out().lines().findFirst().orElseThrow())
        .startsWith("ID")
        .contains("NAMESPACE", "SERVICE", "PHASE", "WEIGHT");
    assertThat(list.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow())
        .contains("shop", "cli-cart", "v2", "CANARY", "10%");
    assertThat(ok(cli.run("list", "--phase", "promoted", "--service", "cli-cart")).out())
        .isEqualTo("No experiments.\n");

    Run get = ok(cli.run("get", id));
    assertThat(get.out())
        .contains(
            "Experiment: " + id,
            "Phase:      CANARY",
            "Step:       1 of 2 at 10% of traffic",
            "registry.local/cli-cart:v2",
            "by cli-tester via rest",
            "10% for 1h -> 100% for 1h; error rate < 2.00%, p95 < 3000 ms; 50 requests per step");

    JsonNode json = JSON.readTree(ok(cli.run("get", id, "-o", "json")).out());
    assertThat(json.path("id").asText()).isEqualTo(id);
    assertThat(json.path("namespace").asText())
        .as("namespace from the manifest's metadata")
        .isEqualTo(NAMESPACE);
    assertThat(json.path("history").get(0).path("to").asText()).isEqualTo("CANARY");
    assertThat(ok(cli.run("-o", "yaml", "get", id)).out()).contains("id: " + id, "phase: CANARY");

    Run refused = cli.run("resume", id);
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCode.REFUSED);
    assertThat(refused.err()).contains("error: Command refused:", "phase: CANARY");
    assertThat(refused.out()).isEmpty();

    assertThat(ok(cli.run("pause", id, "--reason", "checking dashboards")).out())
        .contains("is now PAUSED");
    assertThat(ok(cli.run("resume", id)).out()).contains("is now CANARY, step 1 of 2 at 10%");
    assertThat(ok(cli.run("abort", id, "--reason", "wrong build")).out())
        .contains("is now ROLLING_BACK");

    Run watch = cli.run("watch", id, "--timeout", "2m");
    assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCode.EXPERIMENT_FAILED);
    assertThat(watch.out())
        .contains(
            "CANARY -> PAUSED",
            "by cli-tester: checking dashboards",
            "ROLLING_BACK -> ABORTED",
            "experiment " + id + " ended ABORTED");
    assertThat(watch.out()).doesNotContain("\u001b[");

    Run audit = ok(cli.run("audit"));
    assertThat(audit.out()).contains("cli-tester").contains(id);

    Run services = ok(cli.run("services", "list"));
    assertThat(
            services.out().lines().filter(l -> l.startsWith("cli-cart ")).findFirst().orElseThrow())
        .contains(NAMESPACE);
  }

  @Test
  @DisplayName(
      "a failing candidate: watch exits 5 on QUARANTINED, the RCA is shown, its image is refused (3) until released")
  void quarantineFromTheCli() throws Exception {
    deployStable("cli-pay");
    Path body =
        write(
            "pay.json",
            """
        {"service": "cli-pay", "namespace": "shop",
         "candidate": {"version": "v7", "image": "registry.local/cli-pay:v7"},
         "policy": {"steps": [{"weight": 10, "minDuration": "PT2S"}, {"weight": 100, "minDuration": "PT2S"}],
                    "slo": {"maxErrorRate": 0.02, "maxP95LatencyMs": 3000}, "minRequestsPerStep": 50}}
        """);
    String id = idOf(ok(cli.run("submit", "-f", body.toString())));
    publishCanaryWindows("cli-pay", "v7", 4, 100, 50);

    Run watch = cli.run("watch", id, "--timeout", "2m", "--interval", "500ms");
    assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCode.EXPERIMENT_FAILED);
    assertThat(watch.out()).contains("ended QUARANTINED", "aegis quarantine rca " + id);

    Run list = ok(cli.run("quarantine", "list"));
    assertThat(list.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow())
        .contains("cli-pay", "v7", "registry.local/cli-pay:v7");

    Run rca = ok(cli.run("quarantine", "rca", id));
    assertThat(rca.out())
        .contains(
            "RCA of " + id,
            "Failed at step 1, 10% of traffic",
            "Failed checks:",
            "error-rate",
            "50.00%",
            "Windows judged:",
            "canary",
            "ROLLING_BACK",
            "QUARANTINED");

    Run again = cli.run("submit", "-f", body.toString());
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCode.REFUSED);
    assertThat(again.err())
        .contains(
            "error: Candidate image is quarantined",
            "field: candidate.image",
            "rca: /api/v1/quarantine/" + id + "/rca");

    Run noReason = cli.run("quarantine", "release", id);
    assertThat(noReason.exitCode()).as(noReason.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(ok(cli.run("quarantine", "release", id, "--reason", "the SLO was wrong")).out())
        .contains("quarantine of " + id, "released", "RELEASED");
    JsonNode all = JSON.readTree(ok(cli.run("quarantine", "list", "--all", "-o", "json")).out());
    assertThat(all.findValuesAsText("releasedBy")).contains("cli-tester");
  }

  @Test
  @DisplayName(
      "dead letters from the CLI: list shows the rejected event, a bulk replay reports its count, unknown ids are 2")
  void deadLetters() throws Exception {
    EncodedEvent event = window("cli-dlq", "v2", Instant.now().minusSeconds(120), 100, 0);
    ProducerRecord<String, byte[]> notJson =
        new ProducerRecord<>(
            Topics.HEALTH, "cli-dlq", "not json{".getBytes(StandardCharsets.UTF_8));
    event.headers().forEach((name, v) -> notJson.headers().add(name, v));
    SharedInfrastructure.kafka().publish(notJson);

    await()
        .atMost(WAIT)
        .until(
            () ->
                JSON.readTree(
                            ok(cli.run("dlq", "list", "--reason", "not-json", "-o", "json")).out())
                        .size()
                    == 1);

    Run list = ok(cli.run("dlq", "list", "--since", "1h"));
    assertThat(list.out().lines().findFirst().orElseThrow())
        .startsWith("ID")
        .contains("REASON", "TYPE");
    assertThat(list.out()).contains("aegis.health[", "not-json", "cli-dlq");

    Run replay = ok(cli.run("dlq", "replay", "--reason", "not-json"));
    assertThat(replay.err()).contains("Replaying 1 dead letter matching reason=not-json");
    assertThat(replay.out()).startsWith("Replayed 1 of 1 dead letter.");

    Run unknown = cli.run("dlq", "replay", "987654");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCode.NOT_FOUND);
    assertThat(unknown.err()).contains("no dead letter has id 987654");

    Run missing = cli.run("get", "no-such-experiment");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCode.NOT_FOUND);
    assertThat(missing.err())
        .contains("error: No such experiment: no experiment has id 'no-such-experiment'")
        .doesNotContain("Exception");
  }

  @Test
  @DisplayName(
      "services get/scale/rollback take -n: the bare name is refused (3) when two namespaces have it")
  void servicesByNamespace() throws Exception {
    for (String namespace : List.of("shop", "pay")) {
      Workloads.deployStable(cluster, namespace, "cli-ledger");
      Path body =
          write(
              "ledger-" + namespace + ".json",
              """
          {"service": "cli-ledger", "namespace": "%s",
           "candidate": {"version": "v2", "image": "registry.local/cli-ledger:v2"}}
          """
                  .formatted(namespace));
      idOf(ok(cli.run("submit", "-f", body.toString())));
    }

    Run ambiguous = cli.run("services", "get", "cli-ledger");
    assertThat(ambiguous.exitCode()).as(ambiguous.toString()).isEqualTo(ExitCode.REFUSED);
    assertThat(ambiguous.err()).contains("managed in several namespaces [pay, shop]");

    Run pay = ok(cli.run("services", "get", "cli-ledger", "-n", "pay"));
    assertThat(pay.out().lines().filter(l -> l.startsWith("cli-ledger ")).toList())
        .singleElement()
        .asString()
        .contains("pay")
        .doesNotContain("shop");
    Run scaled =
        ok(
            cli.run(
                "services",
                "scale",
                "cli-ledger",
                "--namespace",
                "pay",
                "--replicas",
                "3",
                "--reason",
                "load test"));
    assertThat(scaled.out()).contains("scaling pay/cli-ledger to 3 replicas accepted as command");
    Run refused =
        cli.run("services", "rollback", "cli-ledger", "-n", "shop", "--reason", "bad release");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCode.REFUSED);
    // Found in shop (neither ambiguous nor missing), and refused there: its experiment holds it,
    // or, once that
    // rolled back, nothing was promoted.
    assertThat(refused.err())
        .containsAnyOf("holds service cli-ledger", "service cli-ledger has no V2 promoted");
    assertThat(
            cli.run("services", "scale", "cli-ledger", "-n", "nowhere", "--replicas", "3")
                .exitCode())
        .isEqualTo(ExitCode.NOT_FOUND);
  }

  private static Run ok(Run run) {
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run;
  }

  private static String idOf(Run submitted) {
    Matcher m = SUBMITTED.matcher(submitted.out());
    assertThat(m.find()).as(submitted.toString()).isTrue();
    return m.group(1);
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private void deployStable(String service) {
    cluster
        .resource(
            ClusterFixtures.stableDeployment(
                NAMESPACE, service, "registry.local/" + service + ":v1", 2))
        .create();
    cluster.resource(ClusterFixtures.stableService(NAMESPACE, service)).create();
  }

  private static void publishCanaryWindows(
      String service, String version, int count, long requests, long errors) {
    Instant start = Instant.now().minusSeconds(600);
    for (int i = 0; i < count; i++) {
      EncodedEvent e = window(service, version, start.plusSeconds(i), requests, errors);
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(e.topic(), e.key(), e.value());
      e.headers().forEach((name, v) -> record.headers().add(name, v));
      SharedInfrastructure.kafka().publish(record);
    }
  }

  private static EncodedEvent window(
      String service, String version, Instant start, long requests, long errors) {
    HealthReported data =
        new HealthReported(
            service,
            version,
            Track.CANARY,
            start,
            start.plusSeconds(1),
            requests,
            errors,
            new Latency(100, 200, 300),
            0.3,
            0.4);
    return new EventCodec()
        .encodeBinary(
            Events.envelope(
                EventType.HEALTH_REPORTED,
                UUID.randomUUID().toString(),
                "/monitors/cli-test",
                service,
                Instant.now()),
            data);
  }
}
