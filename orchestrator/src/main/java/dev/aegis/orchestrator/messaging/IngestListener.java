package dev.aegis.orchestrator.messaging;

import dev.aegis.events.DecodeResult;
import dev.aegis.events.EventCodec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * The batch listener for the input topics. It decodes every record, then hands the batch to the
 * {@link BatchProcessor} (one transaction). When that transaction fails, it finds the first record
 * that fails on its own (each in its own transaction, so the ones before it take effect) and
 * reports its index; the container's error handler then retries from that record with backoff and,
 * once the retries are spent, dead-letters it and goes on with the next.
 */
public class IngestListener {

  private static final Logger log = LoggerFactory.getLogger(IngestListener.class);

  private final EventCodec codec;
  private final BatchProcessor processor;
  private final Clock clock;
  private final Admission admission;
  private final Map<String, Instant> firstFailures = new ConcurrentHashMap<>();
  private final PartitionServices partitions = new PartitionServices();

  public IngestListener(
      EventCodec codec, BatchProcessor processor, Clock clock, Admission admission) {
    this.codec = codec;
    this.processor = processor;
    this.clock = clock;
    this.admission = admission;
  }

  /** The services seen per health partition: what a rebalance hands over. */
  public PartitionServices partitions() {
    return partitions;
  }

  public void onBatch(List<ConsumerRecord<byte[], byte[]>> batch) {
    List<InboundRecord> records = new ArrayList<>(batch.size());
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      records.add(inbound(r));
    }
    partitions.seen(records);
    try {
      processor.process(records);
      if (!firstFailures.isEmpty()) {
        records.forEach(
            r -> firstFailures.remove(coordinates(r.topic(), r.partition(), r.offset())));
      }
    } catch (RuntimeException batchFailure) {
      log.warn(
          "batch of {} records failed ({}); isolating the failing record",
          records.size(),
          batchFailure.toString());
      isolate(records);
    }
  }

  /** When the record at {@code topic/partition/offset} first failed, for the dead-letter header. */
  public Instant firstFailedAt(String topic, int partition, long offset) {
    Instant first = firstFailures.remove(coordinates(topic, partition, offset));
    return first == null ? clock.instant() : first;
  }

  private void isolate(List<InboundRecord> records) {
    for (int i = 0; i < records.size(); i++) {
      InboundRecord r = records.get(i);
      try {
        processor.process(List.of(r));
        firstFailures.remove(coordinates(r.topic(), r.partition(), r.offset()));
      } catch (RuntimeException e) {
        firstFailures.putIfAbsent(
            coordinates(r.topic(), r.partition(), r.offset()), clock.instant());
        throw new BatchListenerFailedException(
            "processing failed for " + r.cause() + ": " + e.getMessage(), e, i);
      }
    }
  }

  InboundRecord inbound(ConsumerRecord<byte[], byte[]> r) {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    for (Header header : r.headers()) {
      headers.put(header.key(), header.value());
    }
    DecodeResult decoded = codec.decode(r.value() == null ? new byte[0] : r.value(), headers);
    Admission.Verdict verdict =
        decoded
            .decoded()
            .map(d -> admission.judge(d.type(), d.envelope().source(), headers, d.data()))
            .orElse(Admission.NOT_JUDGED);
    return new InboundRecord(
        r.topic(), r.partition(), r.offset(), r.key(), r.value(), headers, decoded, verdict);
  }

  private static String coordinates(String topic, int partition, long offset) {
    return topic + "/" + partition + "/" + offset;
  }
}
