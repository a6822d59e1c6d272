package dev.aegis.operators.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The arithmetic of a split: weights sum to 100, replicas follow ceil(total × weight / 100). */
class CanarySplitTest {

  @ParameterizedTest(name = "{0} replicas at {1}%: canary {2} by ratio, {3} behind a mesh")
  @CsvSource({
    "4, 10, 1, 1",
    "4, 50, 2, 2",
    "4, 100, 4, 4",
    "10, 10, 1, 1",
    "10, 15, 2, 2",
    "3, 10, 1, 1",
    "1, 50, 1, 1",
    "4, 0, 0, 0",
    "0, 10, 0, 1"
  })
  void canaryReplicasAreTheCeilingOfTheShare(int total, int weight, int byRatio, int behindMesh) {
    CanarySplit split = new CanarySplit("shop", "cart", weight, total);

    assertThat(split.stableWeight() + split.canaryWeight()).isEqualTo(100);
    assertThat(new ReplicaRatioRouter(null).canaryReplicas(split)).isEqualTo(byRatio);
    assertThat(new SmiTrafficSplitRouter(null).canaryReplicas(split)).isEqualTo(behindMesh);
  }

  @ParameterizedTest(name = "weight {0} is refused")
  @ValueSource(ints = {-1, 101})
  void weightsOutsideZeroToHundredAreRefused(int weight) {
    assertThatThrownBy(() -> new CanarySplit("shop", "cart", weight, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
