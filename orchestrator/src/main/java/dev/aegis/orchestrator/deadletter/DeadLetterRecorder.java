package dev.aegis.orchestrator.deadletter;

import dev.aegis.events.DeadLetterHeaders;
import dev.aegis.events.EventCodec;
import dev.aegis.orchestrator.errors.Causes;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every record of {@code aegis.dlq} in the {@code dead_letters} table, once per original
 * record. The topic is the source of truth: a record dead-lettered while the database was down is
 * recorded when it is back (the container retries with a backoff capped at a minute, without end).
 *
 * <p>No record can stop it: payloads are stored as bytes, every text taken from a record (reason,
 * header names, event type, source and id) has NUL escaped (PostgreSQL text cannot hold it), and a
 * record the database still refuses on its own is recorded as {@code unrecordable} with its bytes
 * and the database's error, where an SRE sees it, instead of being retried for ever.
 *
 * <p>While the database is away the recorder is <em>parked</em>: {@link #status()} says since when,
 * after how many attempts and with which error, and {@code /actuator/health/deadLetters} and the
 * gauge {@code aegis_dead_letters_recorder_parked} show it to SREs; the first batch recorded
 * afterwards unparks it.
 */
public class DeadLetterRecorder {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterRecorder.class);

  private final Transactions transactions;
  private final DeadLetterRepository repository;
  private final EventCodec codec;
  private final Clock clock;
  private volatile Status status = Status.RECORDING;

  /**
   * Whether dead letters reach the table now: {@code parkedSince} is null while they do, else when
   * the first failed attempt was; {@code attempts} counts the failed attempts since, {@code
   * lastError} is the latest.
   */
  public record Status(Instant parkedSince, int attempts, String lastError, String waitingAt) {
    static final Status RECORDING = new Status(null, 0, null, null);

    public boolean parked() {
      return parkedSince != null;
    }
  }

  public Status status() {
    return status;
  }

  public DeadLetterRecorder(
      Transactions transactions, DeadLetterRepository repository, EventCodec codec, Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.codec = codec;
    this.clock = clock;
  }

  public void onBatch(List<ConsumerRecord<byte[], byte[]>> batch) {
    Instant now = clock.instant();
    try {
      transactions.useTransaction(
          h -> {
            for (ConsumerRecord<byte[], byte[]> r : batch) {
              repository.record(h, toDeadLetter(r), now);
            }
          });
      unpark();
    } catch (RuntimeException e) {
      if (isDataError(e)) {
        recordOneByOne(batch, now);
        unpark();
        return;
      }
      Status before = status;
      status =
          new Status(
              before.parked() ? before.parkedSince() : now,
              before.attempts() + 1,
              clean(e.toString()),
              position(batch.get(0)));
      // Retried without end by the container; say why, since the table lags the topic until it
      // succeeds.
      try (LogIdentity ignored = LogIdentity.of(position(batch.get(0)), null, null, null)) {
        log.warn(
            "could not record {} dead letter(s) from {}-{} at offset {}: {}",
            batch.size(),
            batch.get(0).topic(),
            batch.get(0).partition(),
            batch.get(0).offset(),
            e.toString());
      }
      throw e;
    }
  }

  private void unpark() {
    if (status.parked()) {
      log.info(
          "dead-letter recorder unparked after {} failed attempts since {}",
          status.attempts(),
          status.parkedSince());
      status = Status.RECORDING;
    }
  }

  /**
   * The batch again, a record a transaction: one the database refuses for its data is recorded as
   * unrecordable.
   */
  private void recordOneByOne(List<ConsumerRecord<byte[], byte[]>> batch, Instant now) {
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      try (LogIdentity ignored = LogIdentity.of(position(r), null, null, null)) {
        try {
          transactions.useTransaction(h -> repository.record(h, toDeadLetter(r), now));
        } catch (RuntimeException e) {
          if (!isDataError(e)) {
            throw e; // the database is away: the container retries from here
          }
          log.warn(
              "dead letter at {}-{}@{} refused by the database ({}); recording it as unrecordable",
              r.topic(),
              r.partition(),
              r.offset(),
              e.toString());
          transactions.useTransaction(h -> repository.record(h, unrecordable(r, e), now));
        }
      }
    }
  }

  /** A record of {@code aegis.dlq} as the log's event id: topic-partition@offset. */
  private static String position(ConsumerRecord<?, ?> r) {
    return r.topic() + "-" + r.partition() + "@" + r.offset();
  }

  /** A data error (SQLSTATE class 22 or 23), as opposed to the database being unreachable. */
  static boolean isDataError(Throwable e) {
    for (Throwable t : Causes.chain(e)) {
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
        return true;
      }
    }
    return false;
  }

  private DeadLetterRepository.DeadLetter unrecordable(
      ConsumerRecord<byte[], byte[]> r, Exception error) {
    return new DeadLetterRepository.DeadLetter(
        0,
        r.topic(),
        r.partition(),
        r.offset(),
        r.key(),
        r.value(),
        "[]",
        "unrecordable",
        clean("unrecordable: the database refused this dead letter: " + error.getMessage()),
        error.getClass().getName(),
        null,
        null,
        null,
        clock.instant(),
        null,
        0,
        null,
        null);
  }

  /**
   * {@code text} storable in a PostgreSQL text column: NUL written as backslash-u-0000, at most
   * 8192 characters.
   */
  static String clean(String text) {
    if (text == null) {
      return null;
    }
    String out = text.indexOf('\0') < 0 ? text : text.replace("\0", "\\u0000");
    return out.length() > 8192 ? out.substring(0, 8192) + "…" : out;
  }

  private DeadLetterRepository.DeadLetter toDeadLetter(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> dlq = new LinkedHashMap<>();
    Map<String, byte[]> original = new LinkedHashMap<>();
    List<DeadLetterRequest.Header> originalJson = new ArrayList<>();
    for (Header header : r.headers()) {
      if (header.key().startsWith("aegis_dlq_")) {
        dlq.put(
            header.key(),
            header.value() == null
                ? null
                : clean(new String(header.value(), StandardCharsets.UTF_8)));
      } else {
        original.put(header.key(), header.value());
        originalJson.add(
            new DeadLetterRequest.Header(
                clean(header.key()),
                header.value() == null
                    ? null
                    : Base64.getEncoder().encodeToString(header.value())));
      }
    }
    var decoded = codec.decode(r.value() == null ? new byte[0] : r.value(), original).decoded();
    String reason = dlq.getOrDefault(DeadLetterHeaders.REASON, "unknown: no reason header");
    String code =
        dlq.getOrDefault(
            DeadLetterHeaders.REASON_CODE,
            reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason);
    return new DeadLetterRepository.DeadLetter(
        0,
        clean(dlq.getOrDefault(DeadLetterHeaders.ORIGINAL_TOPIC, r.topic())),
        parseInt(dlq.get(DeadLetterHeaders.ORIGINAL_PARTITION), r.partition()),
        parseLong(dlq.get(DeadLetterHeaders.ORIGINAL_OFFSET), r.offset()),
        r.key(),
        r.value(),
        StateJson.write(originalJson),
        code,
        reason,
        dlq.get(DeadLetterHeaders.ERROR_CLASS),
        decoded.map(d -> clean(d.type().type())).orElse(null),
        decoded.map(d -> clean(d.envelope().source())).orElse(null),
        decoded.map(d -> clean(d.envelope().id())).orElse(null),
        parseInstant(dlq.get(DeadLetterHeaders.FIRST_FAILED_AT)),
        null,
        0,
        null,
        null);
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
