package dev.aegis.orchestrator.messaging;

import dev.aegis.events.DecodeResult;
import dev.aegis.orchestrator.deadletter.ConsumedRecord;
import java.util.Map;

/**
 * One consumed Kafka record, its coordinates, and what the codec made of it.
 *
 * @param headers the record's headers (last value wins for repeated names)
 * @param admission whether its sender may have it take effect ({@link Admission})
 */
public record InboundRecord(
    String topic,
    int partition,
    long offset,
    byte[] key,
    byte[] value,
    Map<String, byte[]> headers,
    DecodeResult decoded,
    Admission.Verdict admission) {

  /**
   * The identity used for duplicate suppression: CloudEvents source, or Kafka coordinates when
   * undecodable.
   */
  public String source() {
    return decoded instanceof DecodeResult.Decoded d
        ? d.envelope().source()
        : "kafka://" + topic + "/" + partition;
  }

  public String eventId() {
    return decoded instanceof DecodeResult.Decoded d ? d.envelope().id() : "offset-" + offset;
  }

  /** The raw record, as a dead-letter entry keeps it. */
  public ConsumedRecord consumed() {
    return new ConsumedRecord(topic, partition, offset, key, value, headers);
  }

  /** A short identity for logs and {@code caused_by} columns. */
  public String cause() {
    return source() + "#" + eventId();
  }
}
