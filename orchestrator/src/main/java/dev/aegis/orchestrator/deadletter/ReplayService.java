package dev.aegis.orchestrator.deadletter;

import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.DeadLetter;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.Filter;
import dev.aegis.orchestrator.persistence.StateJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jdbi.v3.core.Jdbi;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Re-publishes dead letters unchanged (key, value, original headers) to their original topic, plus one
 * header {@code aegis_replay_of} naming the dead letter. An event that already took effect finds its
 * processed marker and does nothing; one whose cause is fixed now takes effect, once.
 */
public class ReplayService {

  public static final String REPLAY_OF_HEADER = "aegis_replay_of";

  /** Where one dead letter went. */
  public record Replayed(long deadLetterId, String topic, int partition, long offset, int replayCount) {}

  private final Jdbi jdbi;
  private final DeadLetterRepository repository;
  private final AuditRepository audit;
  private final KafkaTemplate<byte[], byte[]> kafka;
  private final Clock clock;

  public ReplayService(Jdbi jdbi, DeadLetterRepository repository, AuditRepository audit,
      KafkaTemplate<byte[], byte[]> kafka, Clock clock) {
    this.jdbi = jdbi;
    this.repository = repository;
    this.audit = audit;
    this.kafka = kafka;
    this.clock = clock;
  }

  public Optional<Replayed> replay(long id, String actor) {
    return jdbi.withHandle(h -> repository.find(h, id)).map(d -> replay(d, actor));
  }

  /** Replays every dead letter matching {@code filter}, oldest first, at most {@code limit}. */
  public List<Replayed> replayMatching(Filter filter, String actor, int limit) {
    List<Replayed> done = new ArrayList<>();
    for (DeadLetter d : jdbi.withHandle(h -> repository.list(h, filter, limit))) {
      done.add(replay(d, actor));
    }
    return done;
  }

  private Replayed replay(DeadLetter d, String actor) {
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(d.originalTopic(), null, d.key(), d.value());
    for (DeadLetterRequest.Header header : StateJson.read(d.headersJson(), DeadLetterRequest.Header[].class)) {
      out.headers().add(header.name(), DeadLetters.decode(header.value()));
    }
    out.headers().add(REPLAY_OF_HEADER, Long.toString(d.id()).getBytes(StandardCharsets.UTF_8));
    RecordMetadata sent;
    try {
      sent = kafka.send(out).get(30, TimeUnit.SECONDS).getRecordMetadata();
    } catch (Exception e) {
      throw new IllegalStateException("could not replay dead letter " + d.id() + ": " + e.getMessage(), e);
    }
    Instant now = clock.instant();
    jdbi.useTransaction(h -> {
      repository.markReplayed(h, d.id(), actor, now);
      audit.record(h, actor, "dead-letter.replay", Long.toString(d.id()), Map.of("topic", d.originalTopic(),
          "partition", sent.partition(), "offset", sent.offset(), "reason", d.reasonCode()), now);
    });
    return new Replayed(d.id(), sent.topic(), sent.partition(), sent.offset(), d.replayCount() + 1);
  }
}
