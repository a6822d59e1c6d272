package dev.aegis.orchestrator.deadletter;

import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.DeadLetter;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.Filter;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.Transactions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Re-publishes dead letters unchanged (key, value, original headers) to their original topic, plus
 * one header {@code aegis_replay_of} naming the dead letter. An event that already took effect
 * finds its processed marker and does nothing; one whose cause is fixed now takes effect, once.
 *
 * <p>The original topic is read from the dead letter, which anyone able to produce to {@code
 * aegis.dlq} could have planted; so replay writes only to a topic listed in {@code
 * aegis.dead-letters.replay-topics} and refuses the rest without producing anything. A replayed
 * event is judged again like any other (its source must still be trusted).
 */
public class ReplayService {

  public static final String REPLAY_OF_HEADER = "aegis_replay_of";

  /** What became of one dead letter asked to be replayed. */
  public sealed interface Outcome permits Replayed, Refused {}

  /** Where one dead letter went. */
  public record Replayed(
      long deadLetterId, String topic, int partition, long offset, int replayCount)
      implements Outcome {}

  /** Nothing was produced, because of {@code reason}. */
  public record Refused(long deadLetterId, String originalTopic, Refusal reason, String detail)
      implements Outcome {}

  /** Why a replay was refused. */
  public enum Refusal {
    /** The dead letter's original topic is not one replay may write to. */
    TOPIC_NOT_REPLAYABLE("topic-not-replayable");

    private final String code;

    Refusal(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final Transactions transactions;
  private final DeadLetterRepository repository;
  private final AuditRepository audit;
  private final KafkaTemplate<byte[], byte[]> kafka;
  private final Clock clock;
  private final Set<String> replayTopics;

  public ReplayService(
      Transactions transactions,
      DeadLetterRepository repository,
      AuditRepository audit,
      KafkaTemplate<byte[], byte[]> kafka,
      Clock clock,
      Collection<String> replayTopics) {
    this.transactions = transactions;
    this.repository = repository;
    this.audit = audit;
    this.kafka = kafka;
    this.clock = clock;
    this.replayTopics = Set.copyOf(replayTopics);
  }

  /** Replays dead letter {@code id}; empty when there is none. */
  public Optional<Outcome> replay(long id, String actor) {
    return transactions.withHandle(h -> repository.find(h, id)).map(d -> replay(d, actor));
  }

  /** Replays every dead letter matching {@code filter}, oldest first, at most {@code limit}. */
  public List<Outcome> replayMatching(Filter filter, String actor, int limit) {
    List<Outcome> done = new ArrayList<>();
    for (DeadLetter d : transactions.withHandle(h -> repository.list(h, filter, limit))) {
      done.add(replay(d, actor));
    }
    return done;
  }

  private Outcome replay(DeadLetter d, String actor) {
    if (!replayTopics.contains(d.originalTopic())) {
      return refuse(
          d,
          actor,
          Refusal.TOPIC_NOT_REPLAYABLE,
          "dead letter "
              + d.id()
              + " came from topic "
              + d.originalTopic()
              + ", which is not one replay may write to "
              + new TreeSet<>(replayTopics)
              + " (aegis.dead-letters.replay-topics)");
    }
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(d.originalTopic(), null, d.key(), d.value());
    for (DeadLetterRequest.Header header :
        StateJson.read(d.headersJson(), DeadLetterRequest.Header[].class)) {
      out.headers().add(header.name(), DeadLetters.decode(header.value()));
    }
    out.headers().add(REPLAY_OF_HEADER, Long.toString(d.id()).getBytes(StandardCharsets.UTF_8));
    RecordMetadata sent;
    try {
      sent = kafka.send(out).get(30, TimeUnit.SECONDS).getRecordMetadata();
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not replay dead letter " + d.id() + ": " + e.getMessage(), e);
    }
    Instant now = clock.instant();
    transactions.useTransaction(
        h -> {
          repository.markReplayed(h, d.id(), actor, now);
          audit.record(
              h,
              actor,
              "dead-letter.replay",
              Long.toString(d.id()),
              Map.of(
                  "topic",
                  d.originalTopic(),
                  "partition",
                  sent.partition(),
                  "offset",
                  sent.offset(),
                  "reason",
                  d.reasonCode()),
              now);
        });
    return new Replayed(d.id(), sent.topic(), sent.partition(), sent.offset(), d.replayCount() + 1);
  }

  /**
   * Records the refusal in the audit log (a planted dead letter is worth knowing about) and returns
   * it.
   */
  private Refused refuse(DeadLetter d, String actor, Refusal reason, String detail) {
    transactions.useTransaction(
        h ->
            audit.record(
                h,
                actor,
                "dead-letter.replay-refused",
                Long.toString(d.id()),
                Map.of("topic", d.originalTopic(), "refusal", reason.code()),
                clock.instant()));
    return new Refused(d.id(), d.originalTopic(), reason, detail);
  }
}
