package dev.aegis.operators.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.operators.testing.KubernetesApi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A rollback of a candidate that never got a workload (its first traffic shift was rejected). */
class RollBackWithoutWorkloadTest {

  @RegisterExtension static final KubernetesApi api = new KubernetesApi();

  @Test
  @DisplayName(
      "with neither stable nor canary Deployment there is no traffic to return: applied, nothing written")
  void nothingToRollBack() {
    ActuationResult result =
        new KubernetesActuator(api.client())
            .apply(
                new ActuationCommand.RollBackCandidate(
                    "exp-9:2:0",
                    "ghost",
                    "shop",
                    "v2",
                    RouterKind.AUTO,
                    "aborted: SetTrafficWeight rejected"));

    assertThat(result)
        .isInstanceOfSatisfying(
            ActuationResult.Applied.class,
            applied -> assertThat(applied.detail()).contains("nothing to roll back"));
    assertThat(api.requests()).noneMatch(r -> !r.verb().equals("get") && !r.verb().equals("list"));
  }

  @Test
  @DisplayName(
      "a canary without its stable Deployment is still a rollback that cannot be done: rejected")
  void canaryWithoutStableIsRejected() {
    var admin = api.adminClient();
    admin.resource(ClusterFixtures.stableDeployment("shop", "orphan", "img:v1", 2)).create();
    var actuator = new KubernetesActuator(api.client());
    assertThat(
            actuator.apply(
                new ActuationCommand.SetTrafficWeight(
                    "exp-8:1:0", "orphan", "shop", "v2", "img:v2", 10, RouterKind.REPLICA_RATIO)))
        .isInstanceOf(ActuationResult.Applied.class);
    admin.apps().deployments().inNamespace("shop").withName("orphan").delete();

    assertThat(
            actuator.apply(
                new ActuationCommand.RollBackCandidate(
                    "exp-8:2:0", "orphan", "shop", "v2", RouterKind.REPLICA_RATIO, "failed")))
        .isInstanceOf(ActuationResult.Rejected.class);
  }
}
