package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.DeadLetterHeaders;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Poison on the dead-letter topic: NUL bytes in texts PostgreSQL cannot hold, invalid UTF-8, a
 * record of about 1 MiB. Each is recorded (bytes kept as they were), and the consumer goes on to
 * the plain record after them.
 */
@AegisComponentTest
class PoisonDeadLettersIT {

  @Autowired KafkaTemplate<byte[], byte[]> kafka;
  @Autowired Jdbi jdbi;

  private void plant(long offset, String reason, byte[] value, String extraHeader)
      throws Exception {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(Topics.DLQ, "k".getBytes(StandardCharsets.UTF_8), value);
    r.headers()
        .add(DeadLetterHeaders.ORIGINAL_TOPIC, Topics.HEALTH.getBytes(StandardCharsets.UTF_8));
    r.headers().add(DeadLetterHeaders.ORIGINAL_PARTITION, "0".getBytes(StandardCharsets.UTF_8));
    r.headers()
        .add(
            DeadLetterHeaders.ORIGINAL_OFFSET,
            Long.toString(offset).getBytes(StandardCharsets.UTF_8));
    r.headers().add(DeadLetterHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
    if (extraHeader != null) {
      r.headers().add(extraHeader, new byte[] {0, 1, 2});
    }
    kafka.send(r).get();
  }

  @Test
  @DisplayName(
      "NUL, invalid UTF-8 and a 1 MiB record are each recorded with their bytes, and the record after them too")
  void poisonNeverStopsTheRecorder() throws Exception {
    byte[] nulEvent =
        """
        {"specversion":"1.0","id":"evil\\u0000id","source":"//src\\u0000x","type":"dev.aegis.health.reported.v1",
         "datacontenttype":"application/json","data":{}}"""
            .getBytes(StandardCharsets.UTF_8);
    plant(910_001, "not-json: bad\u0000reason", nulEvent, "head\u0000er");
    byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0, (byte) 0xFE};
    plant(910_002, "not-json: \u00ff\u0000", invalidUtf8, null);
    byte[] large = new byte[1_000_000];
    Arrays.fill(large, (byte) 'x');
    plant(910_003, "too-large: " + "r".repeat(20_000), large, null);
    plant(910_004, "not-json: plain", "plain".getBytes(StandardCharsets.UTF_8), null);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Long> recorded =
                  jdbi.withHandle(
                      h ->
                          h.createQuery(
                                  "SELECT original_offset FROM dead_letters "
                                      + "WHERE original_offset BETWEEN 910001 AND 910004 ORDER BY original_offset")
                              .mapTo(Long.class)
                              .list());
              assertThat(recorded).containsExactly(910_001L, 910_002L, 910_003L, 910_004L);
            });

    List<Map<String, Object>> rows =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT original_offset, value, reason, "
                            + "event_id, headers::text AS headers FROM dead_letters WHERE original_offset BETWEEN 910001 AND 910003 "
                            + "ORDER BY original_offset")
                    .mapToMap()
                    .list());
    assertThat((byte[]) rows.get(0).get("value")).isEqualTo(nulEvent);
    assertThat(rows.get(0).get("reason").toString())
        .doesNotContain("\u0000")
        .contains("bad\\u0000reason");
    assertThat((byte[]) rows.get(1).get("value"))
        .as("invalid UTF-8 kept byte for byte")
        .isEqualTo(invalidUtf8);
    assertThat(((byte[]) rows.get(2).get("value")).length).isEqualTo(1_000_000);
    assertThat(rows.get(2).get("reason").toString().length()).isLessThanOrEqualTo(8193);
  }
}
