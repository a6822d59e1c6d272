package dev.aegis.orchestrator.deadletter;

import dev.aegis.events.DeadLetterHeaders;
import dev.aegis.events.EventCodec;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jdbi.v3.core.Jdbi;

/**
 * Records every record of {@code aegis.dlq} in the {@code dead_letters} table, once per original
 * record. The topic is the source of truth: a record dead-lettered while the database was down is
 * recorded when it is back (this consumer retries without end and never dead-letters).
 */
public class DeadLetterRecorder {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DeadLetterRecorder.class);

  private final Jdbi jdbi;
  private final DeadLetterRepository repository;
  private final EventCodec codec;
  private final Clock clock;

  public DeadLetterRecorder(Jdbi jdbi, DeadLetterRepository repository, EventCodec codec, Clock clock) {
    this.jdbi = jdbi;
    this.repository = repository;
    this.codec = codec;
    this.clock = clock;
  }

  public void onBatch(List<ConsumerRecord<byte[], byte[]>> batch) {
    Instant now = clock.instant();
    try {
      jdbi.useTransaction(h -> {
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          repository.record(h, toDeadLetter(r), now);
        }
      });
    } catch (RuntimeException e) {
      // Retried without end by the container; say why, since the table lags the topic until it succeeds.
      log.warn("could not record {} dead letter(s) from {}-{} at offset {}: {}", batch.size(),
          batch.get(0).topic(), batch.get(0).partition(), batch.get(0).offset(), e.toString());
      throw e;
    }
  }

  private DeadLetterRepository.DeadLetter toDeadLetter(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> dlq = new LinkedHashMap<>();
    Map<String, byte[]> original = new LinkedHashMap<>();
    List<DeadLetterRequest.Header> originalJson = new ArrayList<>();
    for (Header header : r.headers()) {
      if (header.key().startsWith("aegis_dlq_")) {
        dlq.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
      } else {
        original.put(header.key(), header.value());
        originalJson.add(new DeadLetterRequest.Header(header.key(),
            header.value() == null ? null : Base64.getEncoder().encodeToString(header.value())));
      }
    }
    var decoded = codec.decode(r.value() == null ? new byte[0] : r.value(), original).decoded();
    String reason = dlq.getOrDefault(DeadLetterHeaders.REASON, "unknown: no reason header");
    String code = dlq.getOrDefault(DeadLetterHeaders.REASON_CODE, reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason);
    return new DeadLetterRepository.DeadLetter(0,
        dlq.getOrDefault(DeadLetterHeaders.ORIGINAL_TOPIC, r.topic()),
        parseInt(dlq.get(DeadLetterHeaders.ORIGINAL_PARTITION), r.partition()),
        parseLong(dlq.get(DeadLetterHeaders.ORIGINAL_OFFSET), r.offset()),
        r.key(), r.value(), StateJson.write(originalJson), code, reason,
        dlq.get(DeadLetterHeaders.ERROR_CLASS),
        decoded.map(d -> d.type().type()).orElse(null),
        decoded.map(d -> d.envelope().source()).orElse(null),
        decoded.map(d -> d.envelope().id()).orElse(null),
        parseInstant(dlq.get(DeadLetterHeaders.FIRST_FAILED_AT)), null, 0, null, null);
  }

  private Instant parseInstant(String value) {
    try {
      return value == null ? clock.instant() : Instant.parse(value);
    } catch (RuntimeException e) {
      return clock.instant();
    }
  }

  private static int parseInt(String value, int fallback) {
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static long parseLong(String value, long fallback) {
    try {
      return value == null ? fallback : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
