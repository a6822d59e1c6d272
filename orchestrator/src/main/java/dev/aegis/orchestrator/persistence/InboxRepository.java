package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The processed-events table: duplicate suppression by CloudEvents identity (source + id). Claiming
 * happens in the same transaction as the event's effects, so either both are written or neither.
 */
public final class InboxRepository {

  private static final String CLAIM = claimStatement("processed_events");

  /**
   * The statement that claims a batch of events in {@code table}, returning the keys of those that
   * were new (parameters {@code sources} … {@code offsets}, and {@code now}); public so that the
   * benchmark's raw-PostgreSQL reference runs the very statement the pipeline runs.
   */
  public static String claimStatement(String table) {
    return "INSERT INTO "
        + TableNames.checked(table)
        + " (source, event_id, type, topic, partition, kafka_offset, outcome, processed_at) "
        + "SELECT s, i, t, tp, p, o, 'applied', :now "
        + "FROM unnest(:sources, :ids, :types, :topics, :partitions, :offsets) AS x(s, i, t, tp, p, o) "
        + "ON CONFLICT DO NOTHING RETURNING source || chr(31) || event_id";
  }

  /** The identity of one consumed event and where it was read. */
  public record Arrival(
      String source, String eventId, String type, String topic, int partition, long offset) {
    public String key() {
      return source + "\u001f" + eventId;
    }
  }

  /** How an event ended. */
  public enum Outcome {
    APPLIED,
    REFUSED,
    STORED,
    IGNORED,
    DEAD_LETTERED;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The lowercase name, as the {@code outcome} tag of the processed-events metric. */
    public String tag() {
      return tag;
    }

    String column() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Inserts markers for {@code arrivals} and returns the keys ({@link Arrival#key()}) of those that
   * were new; the others were processed before (or earlier in this batch) and must be skipped.
   * Outcomes start as {@code applied} and are corrected with {@link #setOutcome}.
   */
  public Set<String> claim(Tx h, List<Arrival> arrivals, Instant now) {
    if (arrivals.isEmpty()) {
      return Set.of();
    }
    int n = arrivals.size();
    String[] sources = new String[n];
    String[] ids = new String[n];
    String[] types = new String[n];
    String[] topics = new String[n];
    Integer[] partitions = new Integer[n];
    Long[] offsets = new Long[n];
    for (int i = 0; i < n; i++) {
      Arrival a = arrivals.get(i);
      sources[i] = a.source();
      ids[i] = a.eventId();
      types[i] = a.type();
      topics[i] = a.topic();
      partitions[i] = a.partition();
      offsets[i] = a.offset();
    }
    List<String> fresh =
        h.createQuery(CLAIM)
            .bind("sources", BinaryArrays.text(sources))
            .bind("ids", BinaryArrays.text(ids))
            .bind("types", BinaryArrays.text(types))
            .bind("topics", BinaryArrays.text(topics))
            .bind("partitions", BinaryArrays.int4(partitions))
            .bind("offsets", BinaryArrays.int8(offsets))
            .bind("now", ts(now))
            .mapTo(String.class)
            .list();
    return new HashSet<>(fresh);
  }

  public void setOutcome(Tx h, String source, String eventId, Outcome outcome, String detail) {
    h.createUpdate(
            "UPDATE processed_events SET outcome = :outcome, detail = :detail "
                + "WHERE source = :source AND event_id = :id")
        .bind("outcome", outcome.column())
        .bind("detail", detail)
        .bind("source", source)
        .bind("id", eventId)
        .execute();
  }

  public boolean seen(Tx h, String source, String eventId) {
    return h.createQuery(
                "SELECT count(*) FROM processed_events WHERE source = :source AND event_id = :id")
            .bind("source", source)
            .bind("id", eventId)
            .mapTo(Integer.class)
            .one()
        > 0;
  }
}
