package dev.aegis.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * What the orchestrator's consumers are given for sharing partitions between replicas
 * (docs/scale-out.md), as the running application binds it: the settings that bound how long a
 * killed replica's services wait, and how fast partitions move when a replica joins or leaves.
 */
@AegisComponentTest
class ConsumerGroupSettingsIT {

  @Autowired ConsumerFactory<byte[], byte[]> consumers;

  @Test
  @DisplayName(
      "consumers rebalance cooperatively, a dead replica is dropped after 10 s (not Kafka's 45),"
          + " and members heartbeat every second (not every three)")
  void groupSettings() {
    Map<String, Object> config = consumers.getConfigurationProperties();

    assertThat(config.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG))
        .hasToString(CooperativeStickyAssignor.class.getName());
    assertThat(config.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).hasToString("10000");
    assertThat(config.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).hasToString("1000");
  }
}
