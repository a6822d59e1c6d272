package dev.aegis.orchestrator.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.aegis.orchestrator.judgment.ActiveFault;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.StepEvidence;
import dev.aegis.orchestrator.judgment.WindowSample;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step sample journal (V9): the per-window samples of every experiment's current step, in an
 * append-only table, replayed into {@link StepEvidence} on load. The experiment row keeps only the
 * journal's range ({@code samples_from}, {@code samples_to}) and a write token.
 *
 * <p>Replaying a step's rows on every batch would cost as much as the JSON it replaces, so each
 * replica keeps the replayed samples of the experiments it wrote or read last, bounded by a total
 * number of samples. An entry is used only while the row still carries the token it was cached
 * with: a write of another replica, or a rolled-back write of this one, changes or never publishes
 * the token, and the samples are read from the table again.
 */
public final class StepSampleRepository {

  private static final Logger LOG = LoggerFactory.getLogger(StepSampleRepository.class);

  /**
   * Samples kept in memory by default: about 200 MB (about 100 bytes a sample, measured with three
   * full tracks). Enough for the default row cache's 20 000 experiments at 100 samples each; a
   * replica whose experiments hold more reads the samples of every experiment it writes from the
   * table at every batch (docs/architecture.md). It was 500 000, which a replica with 10 000
   * experiments judged against a baseline passes once their tracks fill.
   */
  public static final int DEFAULT_CACHE_SAMPLES = 2_000_000;

  private static final String APPEND = appendStatement("step_samples");

  /**
   * {@link #APPEND} for rows without state (no journal-only write among them): the statement of
   * V9's columns, which a schema from before V16 also runs.
   */
  private static final String APPEND_SAMPLES = appendStatement("step_samples", false);

  /**
   * The statement that appends a batch of journal rows to {@code table}, every column bound as an
   * array (parameters {@code ids} … {@code tokens}, and {@code now}); public so that the
   * benchmark's raw-PostgreSQL reference runs the very statement the pipeline runs.
   *
   * <p>A row whose sequence number another writer took first is not inserted: every write of an
   * experiment appends at the tail it read, so the primary key lets one of two writers that read
   * the same state commit (V16). The caller compares the number of rows inserted with the number it
   * appended.
   */
  public static String appendStatement(String table) {
    return appendStatement(table, true);
  }

  /** {@link #appendStatement(String)}, without the state columns unless {@code withState}. */
  private static String appendStatement(String table, boolean withState) {
    return "INSERT INTO "
        + TableNames.checked(table)
        + " (experiment_id, seq, track, window_start, window_end, "
        + "requests, errors, p95_ms, fault_ids, faults, seed, written_at"
        + (withState ? ", revision, progress, last_judgment, last_window_at, token) " : ") ")
        + "SELECT id, seq, track, timestamptz 'epoch' + s * interval '1 microsecond', "
        + "timestamptz 'epoch' + e * interval '1 microsecond', r, x, p, fi::jsonb, f::jsonb, "
        + "seed, :now"
        + (withState
            ? ", rev, pr, j, timestamptz 'epoch' + lw * interval '1 microsecond', tok "
            : " ")
        + "FROM unnest(:ids, :seqs, :tracks, :starts, :ends, :requests, :errors, "
        + ":p95, :faultIds, :faults, :seeds"
        + (withState ? ", :revisions, :progress, :judgments, :lastWindows, :tokens" : "")
        + ") AS v(id, seq, track, s, e, r, x, p, fi, f, seed"
        + (withState ? ", rev, pr, j, lw, tok" : "")
        + ") ON CONFLICT DO NOTHING";
  }

  private static final TypeReference<List<String>> IDS = new TypeReference<>() {};
  private static final TypeReference<List<ActiveFault>> FAULTS = new TypeReference<>() {};

  /** Where an experiment's current samples are: rows {@code from <= seq < to}, written as token. */
  public record Journal(long from, long to, long token) {
    /** The state of a row written before the journal existed: its samples are in its progress. */
    public boolean legacy() {
      return token == 0;
    }
  }

  /**
   * How an experiment's samples are written with its new state.
   *
   * @param snapshot true when the entries replace the samples (a new range), false when they are
   *     appended to the current one
   * @param newToken the token the row carries after this write
   * @param base the samples the entries are appended to (what the state the write was decided from
   *     held); null for a snapshot
   */
  public record Write(
      boolean snapshot, List<StepEvidence.Entry> entries, long newToken, StepEvidence base) {}

  private final Cache cache;

  public StepSampleRepository() {
    this(DEFAULT_CACHE_SAMPLES);
  }

  public StepSampleRepository(int cacheSamples) {
    this.cache = new Cache(cacheSamples);
  }

  /**
   * The samples of experiment {@code id} at revision {@code revision} whose row holds {@code
   * journal}; {@code legacy} is what its progress carried before V9 (used only for such a row).
   */
  public StepEvidence load(Tx h, String id, long revision, Journal journal, StepEvidence legacy) {
    if (journal.legacy()) {
      return legacy == null ? StepEvidence.EMPTY : legacy;
    }
    Cached hit = cache.get(id, journal.token());
    if (hit != null) {
      return hit.samples();
    }
    return loadAll(h, Map.of(id, new Ref(revision, journal))).get(id);
  }

  /** An experiment whose samples to load: its revision and journal. */
  public record Ref(long revision, Journal journal) {}

  /**
   * The samples of every experiment in {@code refs}, from the cache where it is current and from
   * the table in one query for the rest. Legacy rows are not in the result.
   */
  public Map<String, StepEvidence> loadAll(Tx h, Map<String, Ref> refs) {
    Map<String, StepEvidence> out = new HashMap<>();
    List<String> ids = new ArrayList<>();
    List<Long> froms = new ArrayList<>();
    List<Long> tos = new ArrayList<>();
    refs.forEach(
        (id, ref) -> {
          if (ref.journal().legacy()) {
            return;
          }
          Cached hit = cache.get(id, ref.journal().token());
          if (hit != null) {
            out.put(id, hit.samples());
          } else {
            ids.add(id);
            froms.add(ref.journal().from());
            tos.add(ref.journal().to());
          }
        });
    if (ids.isEmpty()) {
      return out;
    }
    Map<String, List<StepEvidence.Entry>> entries = entries(h, ids, froms, tos);
    entries.forEach(
        (id, list) -> {
          StepEvidence samples = StepEvidence.replay(list);
          Ref ref = refs.get(id);
          cache.put(id, new Cached(ref.journal().token(), ref.revision(), samples));
          out.put(id, samples);
        });
    return out;
  }

  /**
   * The samples journal rows {@code from <= seq < to} of each experiment in {@code ranges} replay
   * to, read from the table (one query, not cached): the evidence a draft stored by reference
   * judged when windows were appended after it.
   */
  public Map<String, StepEvidence> loadRanges(Tx h, Map<String, Journal> ranges) {
    Map<String, StepEvidence> out = new HashMap<>();
    if (ranges.isEmpty()) {
      return out;
    }
    List<String> ids = new ArrayList<>(ranges.keySet());
    List<Long> froms = ids.stream().map(id -> ranges.get(id).from()).toList();
    List<Long> tos = ids.stream().map(id -> ranges.get(id).to()).toList();
    entries(h, ids, froms, tos).forEach((id, list) -> out.put(id, StepEvidence.replay(list)));
    return out;
  }

  /** The journal rows of each experiment in its range, in order, in one query. */
  private static Map<String, List<StepEvidence.Entry>> entries(
      Tx h, List<String> ids, List<Long> froms, List<Long> tos) {
    Map<String, List<StepEvidence.Entry>> entries = new LinkedHashMap<>();
    ids.forEach(id -> entries.put(id, new ArrayList<>()));
    h.createQuery(
            "SELECT s.experiment_id, s.track, s.window_start, s.window_end, s.requests, s.errors, "
                + "s.p95_ms, s.fault_ids::text AS fault_ids, s.faults::text AS faults, s.seed "
                + "FROM unnest(:ids, :froms, :tos) AS r(id, f, t) "
                + "JOIN step_samples s ON s.experiment_id = r.id AND s.seq >= r.f AND s.seq < r.t "
                + "ORDER BY s.experiment_id, s.seq")
        .bind("ids", BinaryArrays.text(ids.toArray(String[]::new)))
        .bind("froms", BinaryArrays.int8(froms.toArray(Long[]::new)))
        .bind("tos", BinaryArrays.int8(tos.toArray(Long[]::new)))
        .map((rs, ctx) -> row(rs))
        .forEach(r -> entries.get(r.experimentId()).add(r.entry()));
    return entries;
  }

  /**
   * How to write {@code after}'s samples for experiment {@code id}, stored at {@code
   * expectedRevision}: appended when this replica knows what that revision stored and {@code after}
   * only adds windows to it, afresh otherwise.
   */
  public Write plan(String id, long expectedRevision, StepEvidence after) {
    return plan(id, expectedRevision, 0, after, null, List.of());
  }

  /**
   * {@link #plan(String, long, StepEvidence)}, appending to {@code base} (the samples of the state
   * the write was decided from, as read) when the cache has not kept what {@code expectedRevision}
   * stored (evicted since it was read: a cache smaller than the samples of the experiments one
   * batch touches). The write appends at the journal's tail as read, so a base another writer moved
   * on from fails the write, never leaves a wrong journal (ADR-017).
   *
   * @param readToken the write token the state at {@code expectedRevision} was read with (0:
   *     unknown, and the cache is not used)
   * @param path the samples after each decision since {@code expectedRevision}, ending with {@code
   *     after}, when known (empty otherwise): with them, windows whose arrival merged neighbouring
   *     samples are appended too ({@link StepEvidence#since(StepEvidence, List)}), where without
   *     them the whole step would be written afresh
   */
  public Write plan(
      String id,
      long expectedRevision,
      long readToken,
      StepEvidence after,
      StepEvidence base,
      List<StepEvidence> path) {
    long newToken = newToken();
    Cached stored = cache.peek(id);
    // What the cache holds counts only under the token the write's state was read with: a write of
    // this replica that rolled back cached samples of a revision another writer then wrote too.
    if (stored != null
        && stored.revision() == expectedRevision
        && readToken != 0
        && stored.token() == readToken) {
      var appended = after.since(stored.samples(), path);
      if (appended.isPresent()) {
        return new Write(false, appended.get(), newToken, stored.samples());
      }
    } else if (base != null) {
      var appended = after.since(base, path);
      if (appended.isPresent()) {
        return new Write(false, appended.get(), newToken, base);
      }
    }
    return new Write(true, after.asEntries(), newToken, null);
  }

  /**
   * Appends the entries of each of {@code appended} from its first sequence number (one statement,
   * any number of rows): its state, if any, on its last row; a fence alone when it has no entries
   * and asks for one.
   *
   * @return the experiments some of whose rows were not inserted, because another writer appended
   *     at those sequence numbers first (empty when every row went in)
   */
  public Set<String> append(Tx h, List<Appended> appended, Instant now) {
    int n = 0;
    for (Appended a : appended) {
      n += a.rows();
    }
    if (n == 0) {
      return Set.of();
    }
    String[] ids = new String[n];
    Long[] seqs = new Long[n];
    String[] tracks = new String[n];
    Long[] starts = new Long[n];
    Long[] ends = new Long[n];
    Long[] requests = new Long[n];
    Long[] errors = new Long[n];
    Double[] p95 = new Double[n];
    String[] faultIds = new String[n];
    String[] faults = new String[n];
    Boolean[] seeds = new Boolean[n];
    Long[] revisions = new Long[n];
    String[] progress = new String[n];
    String[] judgments = new String[n];
    Long[] lastWindows = new Long[n];
    Long[] tokens = new Long[n];
    int i = 0;
    for (Appended a : appended) {
      long seq = a.firstSeq();
      if (a.entries().isEmpty() && a.fence()) {
        // A fence: no track and no faults, which replay skips.
        ids[i] = a.experimentId();
        seqs[i] = seq;
        seeds[i] = false;
        i++;
        continue;
      }
      for (StepEvidence.Entry e : a.entries()) {
        ids[i] = a.experimentId();
        seqs[i] = seq++;
        seeds[i] = e.seed();
        faults[i] = e.faults().isEmpty() ? null : StateJson.write(e.faults());
        WindowSample s = e.sample();
        if (s != null) {
          tracks[i] = e.track().wire();
          starts[i] = micros(s.start());
          ends[i] = micros(s.end());
          requests[i] = s.requests();
          errors[i] = s.errors();
          p95[i] = s.p95Ms();
          faultIds[i] = s.faults() == null ? null : StateJson.write(s.faults());
        }
        i++;
      }
      State state = a.state();
      if (state != null && !a.entries().isEmpty()) {
        int last = i - 1;
        revisions[last] = state.revision();
        progress[last] = state.progress();
        judgments[last] = state.judgment();
        lastWindows[last] = micros(state.lastWindowAt());
        tokens[last] = state.token();
      }
    }
    boolean withState = false;
    for (Appended a : appended) {
      withState |= a.state() != null && !a.entries().isEmpty();
    }
    var update =
        h.createUpdate(withState ? APPEND : APPEND_SAMPLES)
            .bind("ids", BinaryArrays.text(ids))
            .bind("seqs", BinaryArrays.int8(seqs))
            .bind("tracks", BinaryArrays.text(tracks))
            .bind("starts", BinaryArrays.int8(starts))
            .bind("ends", BinaryArrays.int8(ends))
            .bind("requests", BinaryArrays.int8(requests))
            .bind("errors", BinaryArrays.int8(errors))
            .bind("p95", BinaryArrays.float8(p95))
            .bind("faultIds", BinaryArrays.text(faultIds))
            .bind("faults", BinaryArrays.text(faults))
            .bind("seeds", BinaryArrays.bool(seeds))
            .bind("now", ExperimentRepository.ts(now));
    if (withState) {
      update
          .bind("revisions", BinaryArrays.int8(revisions))
          .bind("progress", BinaryArrays.text(progress))
          .bind("judgments", BinaryArrays.text(judgments))
          .bind("lastWindows", BinaryArrays.int8(lastWindows))
          .bind("tokens", BinaryArrays.int8(tokens));
    }
    // The count, not a row back per sample: returning each row's experiment id cost the consumer
    // a string and a map update per event, and the benchmark's reference returns nothing either.
    if (update.execute() == n) {
      return Set.of();
    }
    return shortOf(h, ids, seqs, now);
  }

  /**
   * After an append that inserted fewer rows than it was given: the experiments of {@code ids}
   * whose row at the paired sequence number of {@code seqs} another writer appended (one written at
   * another time than {@code now}). Every experiment of {@code ids} when none is found that way,
   * should two writers have written in the same microsecond: a caller that finds an experiment
   * moved runs again, and one told of too many only runs again too.
   */
  private static Set<String> shortOf(Tx h, String[] ids, Long[] seqs, Instant now) {
    Set<String> shortOf = new HashSet<>();
    h.createQuery(
            "SELECT DISTINCT s.experiment_id FROM unnest(:ids, :seqs) AS v(id, seq) "
                + "JOIN step_samples s ON s.experiment_id = v.id AND s.seq = v.seq "
                + "WHERE s.written_at <> :now")
        .bind("ids", BinaryArrays.text(ids))
        .bind("seqs", BinaryArrays.int8(seqs))
        .bind("now", ExperimentRepository.ts(now))
        .mapTo(String.class)
        .forEach(shortOf::add);
    if (shortOf.isEmpty()) {
      shortOf.addAll(Arrays.asList(ids));
    }
    return shortOf;
  }

  /**
   * Appends a fence at {@code seq} of experiment {@code id}: a row that replays to nothing, which a
   * writer that read the same tail cannot append over (V16).
   *
   * @return false when another writer appended at {@code seq} first
   */
  public boolean fence(Tx h, String id, long seq) {
    return h.createUpdate(
                "INSERT INTO step_samples (experiment_id, seq, seed, written_at) "
                    + "VALUES (:id, :seq, false, now()) ON CONFLICT DO NOTHING")
            .bind("id", id)
            .bind("seq", seq)
            .execute()
        == 1;
  }

  /**
   * Deletes the fences at {@code seqs} of experiments {@code ids} (pairwise), which their
   * transaction appended: only fences, never a sample.
   */
  public void dropFences(Tx h, List<String> ids, List<Long> seqs) {
    if (ids.isEmpty()) {
      return;
    }
    // By primary key, one statement each (a transaction drops one or two): a join with the
    // arrays would be planned as a scan of the journal.
    PreparedBatch batch =
        h.prepareBatch(
            "DELETE FROM step_samples WHERE experiment_id = :id AND seq = :seq "
                + "AND track IS NULL AND faults IS NULL AND NOT seed AND revision IS NULL");
    for (int i = 0; i < ids.size(); i++) {
      batch.bind("id", ids.get(i)).bind("seq", seqs.get(i)).add();
    }
    int dropped = IntStream.of(batch.execute()).sum();
    if (dropped != ids.size()) {
      // A fence left costs a batch that read before it one more run; failing the transaction
      // that locked the experiment (an API action, a report) would cost more.
      LOG.warn("deleted {} of {} fences: {} at {}", dropped, ids.size(), ids, seqs);
    }
  }

  /**
   * The state a journal-only write leaves, stored on its last row (V16).
   *
   * @param progress the progress column's text
   * @param judgment the judgment column's text, or null when the stored judgment stays as it was
   */
  public record State(
      long revision, String progress, String judgment, Instant lastWindowAt, long token) {}

  /**
   * Entries of one experiment to append from {@code firstSeq}.
   *
   * @param state the experiment's state after the write, stored on the last entry (null: the row
   *     holds it)
   * @param fence when there are no entries: append one fence row at {@code firstSeq}, so that a
   *     writer that read the same tail cannot append there
   */
  public record Appended(
      String experimentId,
      long firstSeq,
      List<StepEvidence.Entry> entries,
      State state,
      boolean fence) {
    public Appended(String experimentId, long firstSeq, List<StepEvidence.Entry> entries) {
      this(experimentId, firstSeq, entries, null, false);
    }

    /** The journal rows this appends. */
    int rows() {
      return entries.isEmpty() ? (fence ? 1 : 0) : entries.size();
    }
  }

  /** Remembers what experiment {@code id} stores after a write (valid once it commits). */
  public void written(String id, long revision, long token, StepEvidence samples) {
    cache.put(id, new Cached(token, revision, samples));
  }

  /** Samples held in memory now, over all cached experiments. */
  public long cachedSamples() {
    return cache.weight();
  }

  private static long newToken() {
    long token;
    do {
      token = ThreadLocalRandom.current().nextLong();
    } while (token == 0);
    return token;
  }

  /** {@code t} in microseconds since the epoch, as the statements bind times; null for null. */
  static Long micros(Instant t) {
    // What ChronoUnit.MICROS.between(Instant.EPOCH, t) computes, without its lookups (3% of the
    // consumer thread, one call per sample column).
    return t == null
        ? null
        : Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  private record Row(String experimentId, StepEvidence.Entry entry) {}

  private static Row row(ResultSet rs) throws SQLException {
    String track = rs.getString("track");
    List<ActiveFault> faults = readJson(rs.getString("faults"), FAULTS);
    WindowSample sample = null;
    HealthWindow.Track t = null;
    if (track != null) {
      t = HealthWindow.Track.valueOf(track.toUpperCase(Locale.ROOT));
      sample =
          new WindowSample(
              ExperimentRepository.instant(rs, "window_start"),
              ExperimentRepository.instant(rs, "window_end"),
              rs.getLong("requests"),
              rs.getLong("errors"),
              rs.getDouble("p95_ms"),
              readJson(rs.getString("fault_ids"), IDS));
    }
    return new Row(
        rs.getString("experiment_id"),
        new StepEvidence.Entry(t, sample, faults, rs.getBoolean("seed")));
  }

  private static <T> List<T> readJson(String json, TypeReference<List<T>> type) {
    if (json == null) {
      return List.of();
    }
    try {
      return StateJson.mapper().readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored step sample is unreadable: " + e.getMessage(), e);
    }
  }

  /** Replayed samples of one experiment, as its row stored them at {@code revision}. */
  private record Cached(long token, long revision, StepEvidence samples) {
    int weight() {
      return samples.size() + 1;
    }
  }

  /** Least recently used first out, bounded by the total number of samples held. */
  private static final class Cache {
    private final long budget;
    private final LinkedHashMap<String, Cached> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long weight;

    Cache(long budget) {
      this.budget = budget;
    }

    synchronized Cached get(String id, long token) {
      Cached c = entries.get(id);
      return c != null && c.token() == token ? c : null;
    }

    synchronized Cached peek(String id) {
      return entries.get(id);
    }

    synchronized void put(String id, Cached value) {
      Cached old = entries.put(id, value);
      weight += value.weight() - (old == null ? 0 : old.weight());
      var it = entries.values().iterator();
      while (weight > budget && it.hasNext()) {
        Cached eldest = it.next();
        weight -= eldest.weight();
        it.remove();
      }
    }

    synchronized long weight() {
      return weight;
    }
  }
}
