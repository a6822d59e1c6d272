package dev.aegis.orchestrator.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.CloudEventEnvelope;
import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventJson;
import dev.aegis.events.EventType;
import dev.aegis.events.Events;
import dev.aegis.orchestrator.deadletter.DeadLetterRequest;
import dev.aegis.orchestrator.deadletter.DeadLetters;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository.Entry;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes the outbox's outgoing events ({@code aegis.lifecycle}, {@code aegis.rca}) and dead
 * letters ({@code aegis.dlq}) after the transactions that wrote them committed — never from inside
 * a consuming transaction. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so several relays
 * never publish one row at the same time; a row is marked DONE only after the broker acknowledged
 * it. Publication is at least once with a stable CloudEvent id (the row id), so consumers
 * deduplicate by source + id.
 */
public class OutboxRelay {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final ObjectMapper EVENTS = EventJson.newObjectMapper();
  public static final String SOURCE = "/aegis/orchestrator";

  private final Transactions transactions;
  private final OutboxRepository outbox;
  private final KafkaTemplate<byte[], byte[]> kafka;
  private final EventCodec codec;
  private final Clock clock;
  private final int batchSize;

  public OutboxRelay(
      Transactions transactions,
      OutboxRepository outbox,
      KafkaTemplate<byte[], byte[]> kafka,
      EventCodec codec,
      Clock clock,
      int batchSize) {
    this.transactions = transactions;
    this.outbox = outbox;
    this.kafka = kafka;
    this.codec = codec;
    this.clock = clock;
    this.batchSize = batchSize;
  }

  /** Publishes every due row, batch by batch; returns how many were published. */
  public int drain() {
    int total = 0;
    int published;
    do {
      published = relay(OutboxRepository.Kind.EVENT) + relay(OutboxRepository.Kind.DEAD_LETTER);
      total += published;
    } while (published > 0);
    return total;
  }

  private int relay(OutboxRepository.Kind kind) {
    return transactions.inTransaction(
        h -> {
          Instant now = clock.instant();
          List<Entry> due = outbox.claimDue(h, kind, now, batchSize);
          if (due.isEmpty()) {
            return 0;
          }
          List<CompletableFuture<?>> sends = new ArrayList<>(due.size());
          for (Entry entry : due) {
            sends.add(send(entry));
          }
          List<String> done = new ArrayList<>();
          for (int i = 0; i < due.size(); i++) {
            if (published(h, due.get(i), sends.get(i), now)) {
              done.add(due.get(i).id());
            }
          }
          outbox.markDone(h, done, clock.instant());
          return done.size();
        });
  }

  /** Waits for the broker's answer on one row; a row it refused is retried after a backoff. */
  private boolean published(Tx h, Entry entry, CompletableFuture<?> send, Instant now) {
    // The row id is the published CloudEvent's id.
    try (LogIdentity ignored = LogIdentity.of(entry.id(), entry.experimentId(), null, null)) {
      try {
        send.get(30, TimeUnit.SECONDS);
        return true;
      } catch (Exception e) {
        Duration backoff = Duration.ofSeconds(Math.min(60, 1L << Math.min(entry.attempts(), 6)));
        outbox.markFailed(h, entry.id(), e.toString(), now.plus(backoff));
        log.warn(
            "outbox row {} not published (attempt {}): {}",
            entry.id(),
            entry.attempts() + 1,
            e.toString());
        return false;
      }
    }
  }

  private CompletableFuture<?> send(Entry entry) {
    try {
      return kafka.send(record(entry));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private ProducerRecord<byte[], byte[]> record(Entry entry) throws RuntimeException {
    if (entry.kind() == OutboxRepository.Kind.DEAD_LETTER) {
      DeadLetterRequest request = StateJson.read(entry.payload(), DeadLetterRequest.class);
      ProducerRecord<byte[], byte[]> out =
          new ProducerRecord<>(
              entry.topic(),
              null,
              DeadLetters.decode(request.keyBase64()),
              DeadLetters.decode(request.valueBase64()));
      DeadLetters.headers(request).forEach((name, value) -> out.headers().add(name, value));
      return out;
    }
    EventType type =
        EventType.fromType(entry.type())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "outbox row " + entry.id() + " has unknown type " + entry.type()));
    try {
      OutgoingEvent payload = EVENTS.readValue(entry.payload(), OutgoingEvent.class);
      Object data = EVENTS.treeToValue(payload.data(), type.dataClass());
      CloudEventEnvelope envelope =
          Events.envelope(type, entry.id(), SOURCE, entry.key(), payload.time());
      EncodedEvent encoded = codec.encodeBinary(envelope, data);
      ProducerRecord<byte[], byte[]> out =
          new ProducerRecord<>(
              encoded.topic(),
              null,
              encoded.key().getBytes(StandardCharsets.UTF_8),
              encoded.value());
      encoded.headers().forEach((name, value) -> out.headers().add(name, value));
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("outbox row " + entry.id() + " is unreadable", e);
    }
  }
}
