package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The standalone demo on its own: seeded in-process cluster, workload simulator and the two demo
 * experiments, on a policy scaled to seconds. Nothing but the application drives it.
 */
@AegisComponentTest(
    properties = {
      "aegis.simulator.enabled=true",
      "aegis.simulator.step-duration=PT3S",
      "aegis.simulator.tick=500ms"
    })
class StandaloneDemoIT {

  private static final Duration WAIT = Duration.ofMinutes(2);

  @Autowired Jdbi jdbi;
  @Autowired ExperimentRepository experiments;
  @Autowired RcaRepository rcas;
  @Autowired KubernetesClient cluster;

  @Test
  @DisplayName(
      "the demo reaches one PROMOTED (checkout) and one QUARANTINED (payments) experiment by itself")
  void demoExperimentsFinish() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                phases().equals(Map.of("checkout", Phase.PROMOTED, "payments", Phase.QUARANTINED)));

    ExperimentRecord payments =
        demo().stream()
            .filter(r -> r.experiment().service().equals("payments"))
            .findFirst()
            .orElseThrow();
    var rca = jdbi.withHandle(h -> rcas.find(Tx.of(h), payments.experiment().id())).orElseThrow();
    assertThat(rca.recordJson()).contains("error-rate");
    // PROMOTED is recorded before the relay applies the promotion on the cluster (ADR-003): wait
    // for it.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .apps()
                            .deployments()
                            .inNamespace("demo")
                            .withName("checkout")
                            .get()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .contains(":1.5.0-"));
  }

  private List<ExperimentRecord> demo() {
    return jdbi.withHandle(h -> experiments.list(Tx.of(h), null, null, 100)).stream()
        .filter(r -> r.experiment().namespace().equals("demo"))
        .toList();
  }

  private Map<String, Phase> phases() {
    return demo().stream()
        .collect(Collectors.toMap(r -> r.experiment().service(), r -> r.experiment().phase()));
  }
}
