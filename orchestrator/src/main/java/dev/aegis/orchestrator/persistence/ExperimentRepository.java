package dev.aegis.orchestrator.persistence;

import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.StepEvidence;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.lifecycle.Actuation;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Experiments and the services they manage. Every method runs on the caller's {@link Handle}, so
 * the caller decides the transaction; methods named {@code ...ForUpdate} lock the rows they return
 * until it ends.
 */
public final class ExperimentRepository {

  /** Decoded experiment rows kept by default: {@code aegis.persistence.row-cache}. */
  public static final int DEFAULT_CACHE_ROWS = 20_000;

  private final StepSampleRepository samples;

  /**
   * The rows a batch read or wrote, decoded, valid under their write token: a batch decodes the
   * policy, progress and judgment JSON only of rows another writer changed.
   */
  private final RowCache<Stored> rows;

  /**
   * Per service, the canary this replica's own last committed write of it left: id, revision and
   * write token. A batch may decide from it without reading the row ({@link #readLive(Tx,
   * Collection, boolean)}); any write since, by any writer, moved the revision, so the batch's
   * conditional write, or {@link #verifyUnwritten}, finds out. Entries are added only after their
   * transaction commits, and at most as many as the row cache holds rows.
   */
  private final ConcurrentHashMap<ServiceRef, OwnWrite> ownWrites = new ConcurrentHashMap<>();

  /** A row as this replica's committed write of it left it. */
  private record OwnWrite(String id, long revision, long token) {}

  /** How many rows {@link #rows} keeps; {@link #ownWrites} keeps at most as many services. */
  private final int cachedRows;

  /** The namespaces of service names, kept under the services epoch, as many names as rows. */
  private final ServiceNamespaces serviceNamespaces;

  /**
   * How long a canary's stored judgment may trail its newest one while verdict and step stay the
   * same (zero: every write stores the newest).
   */
  private final Duration judgmentInterval;

  /**
   * A repository with its own caches of step samples and rows, of the default sizes, storing every
   * judgment.
   */
  public ExperimentRepository() {
    this(new StepSampleRepository(), DEFAULT_CACHE_ROWS, Duration.ZERO);
  }

  /**
   * @param cachedRows how many decoded rows to keep (0: decode every row read)
   * @param judgmentInterval how long the stored judgment of a canary may trail its newest one while
   *     its verdict and step stay the same (zero: always store the newest). Only a row this replica
   *     has cached under its current token is written without its judgment.
   */
  public ExperimentRepository(
      StepSampleRepository samples, int cachedRows, Duration judgmentInterval) {
    this.samples = samples;
    this.rows = new RowCache<>(cachedRows);
    this.cachedRows = cachedRows;
    this.serviceNamespaces = new ServiceNamespaces(cachedRows);
    this.judgmentInterval = judgmentInterval;
  }

  private static final String COLUMNS =
      "id, service, namespace, candidate_version, candidate_image, policy::text AS policy, phase, "
          + "step_index, progress::text AS progress, last_judgment::text AS last_judgment, "
          + "judgment_to, production_version, version, row_version, submitted_at, submitted_by, "
          + "origin, step_entered_at, last_window_at, silent, updated_at, router, quarantine_shape, "
          + "actuation::text AS actuation, samples_from, samples_to, samples_token";

  /**
   * Every experiment as it is now (V16): the row, overlaid with the state a running canary's
   * journal-only writes appended since the row's last write. Every read of an experiment's state
   * reads this view; writes go to the table and the journal.
   */
  private static final String CURRENT = "experiments_current";

  /**
   * Where a transaction found an experiment's journal and row (V16), which its write is checked
   * against: the journal range {@code from}–{@code tail}, the row's own revision, the experiment's
   * revision and write token.
   */
  private record Position(long from, long tail, long rowVersion, long revision, long token) {}

  /** The experiments this transaction read or wrote, by id, as it found or left them. */
  private Map<String, Position> positions(Tx h) {
    return h.local(this, HashMap::new);
  }

  /** Remembers, for this transaction, where {@code row} was read. */
  private void remember(Tx h, Stored row) {
    Experiment e = row.record().experiment();
    positions(h)
        .put(
            e.id(),
            new Position(
                row.journal().from(),
                row.journal().to(),
                row.rowVersion(),
                e.revision(),
                row.journal().token()));
  }

  /** An experiment's identity of change: its core revision and the time of its last write. */
  public record Stamp(String id, long revision, Instant updatedAt) {}

  /**
   * The newest experiment of a candidate version and when it was decided.
   *
   * @param decidedAt the time of its last transition to PROMOTED, QUARANTINED or ABORTED; null when
   *     none
   */
  public record LatestDecision(String experimentId, String phase, Instant decidedAt) {}

  public Optional<ExperimentRecord> find(Tx h, String id) {
    return current(h, id).map(row -> withSamples(h, row));
  }

  /** The experiment as it is now, not locked, samples not attached. */
  private Optional<Stored> current(Tx h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM " + CURRENT + " WHERE id = :id")
        .bind("id", id)
        .map(ExperimentRepository::map)
        .findOne();
  }

  public Optional<ExperimentRecord> findForUpdate(Tx h, String id) {
    return locked(
        h, h.createQuery("SELECT id FROM experiments WHERE id = :id FOR UPDATE").bind("id", id));
  }

  /**
   * The experiment, locked, or empty when it does not exist or another transaction holds its lock.
   */
  public Optional<ExperimentRecord> findForUpdateSkipLocked(Tx h, String id) {
    return locked(
        h,
        h.createQuery("SELECT id FROM experiments WHERE id = :id FOR UPDATE SKIP LOCKED")
            .bind("id", id));
  }

  /** How many times {@link #locked} reads again after a batch appended to the journal it read. */
  private static final int FENCE_ATTEMPTS = 50;

  /**
   * Locks the row {@code lock} selects (its id), then reads the experiment as it is now, in a
   * statement of its own (one that waited for the lock sees what committed meanwhile).
   *
   * <p>A consumer batch appends to a running canary's journal without the row's lock (V16). A
   * CANARY experiment's journal is therefore fenced at its tail too: a batch that read the same
   * tail waits for this transaction at its insert, then finds the journal moved and runs again, as
   * it waited for the row's lock before. Should a batch have appended between the read and the
   * fence, the experiment is read again.
   */
  private Optional<ExperimentRecord> locked(Tx h, Query lock) {
    Optional<String> id = lock.mapTo(String.class).findOne();
    if (id.isEmpty()) {
      return Optional.empty();
    }
    for (int attempt = 1; ; attempt++) {
      Optional<Stored> read = current(h, id.get());
      if (read.isEmpty()) {
        return Optional.empty();
      }
      Stored row = read.get();
      if (row.record().experiment().phase() != Phase.CANARY) {
        return Optional.of(withSamples(h, row));
      }
      long tail = row.journal().to();
      if (samples.fence(h, id.get(), tail)) {
        fenced(h, id.get(), tail);
        return Optional.of(withSamples(h, row.withTail(tail + 1)));
      }
      if (attempt == FENCE_ATTEMPTS) {
        throw new StaleStateException(
            "experiment " + id.get() + " kept moving while it was locked for a write");
      }
    }
  }

  /** The key of the fences this transaction appended, among its {@link Tx#local} values. */
  private final Object fences = new Object();

  /**
   * Notes that this transaction fenced experiment {@code id}'s journal at {@code seq}. A fence that
   * nothing follows when the transaction commits (it locked the experiment and wrote nothing) is
   * deleted before the commit: a batch waiting at its insert then goes on without running again,
   * and the journal and every cache stay as they were.
   */
  private void fenced(Tx h, String id, long seq) {
    Map<String, List<Long>> mine = h.local(fences, LinkedHashMap::new);
    if (mine.isEmpty()) {
      h.beforeCommit(() -> dropUnwrittenFences(h, mine));
    }
    mine.computeIfAbsent(id, k -> new ArrayList<>()).add(seq);
  }

  private void dropUnwrittenFences(Tx h, Map<String, List<Long>> mine) {
    Map<String, Position> positions = positions(h);
    List<String> ids = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    mine.forEach(
        (id, fenced) -> {
          long tail = positions.get(id).tail();
          // From the last: a fence with rows of this transaction after it stays.
          for (int i = fenced.size() - 1; i >= 0 && fenced.get(i) == tail - 1; i--) {
            ids.add(id);
            seqs.add(--tail);
          }
        });
    samples.dropFences(h, ids, seqs);
  }

  /**
   * The PROMOTED experiment that made {@code version} the service's V2, locked; empty when none.
   */
  public Optional<ExperimentRecord> findPromotedForUpdate(
      Tx h, String namespace, String service, String version) {
    return locked(
        h,
        h.createQuery(
                "SELECT id FROM experiments WHERE namespace = :namespace AND service = :service "
                    + "AND candidate_version = :version AND phase = 'PROMOTED' "
                    + "ORDER BY submitted_at DESC LIMIT 1 FOR UPDATE")
            .bind("namespace", namespace)
            .bind("service", service)
            .bind("version", version));
  }

  /** The experiment holding {@code service} (CANARY, PAUSED or ROLLING_BACK), not locked. */
  public Optional<ExperimentRecord> findLive(Tx h, String namespace, String service) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM "
                + CURRENT
                + " WHERE namespace = :namespace AND service = :service "
                + "AND phase IN ('CANARY', 'PAUSED', 'ROLLING_BACK')")
        .bind("namespace", namespace)
        .bind("service", service)
        .map(ExperimentRepository::map)
        .findOne()
        .map(row -> withSamples(h, row));
  }

  /**
   * What a view of services shows of a live experiment: no state, no samples.
   *
   * @param weight the candidate's share of traffic now, in percent
   */
  public record LiveHead(String id, Phase phase, String candidateVersion, int weight) {}

  /**
   * The live experiment (CANARY, PAUSED or ROLLING_BACK) of each of {@code services} that has one:
   * one statement for a page of services, reading no step samples.
   */
  public Map<ServiceRef, LiveHead> liveHeads(Tx h, Collection<ServiceRef> services) {
    if (services.isEmpty()) {
      return Map.of();
    }
    Set<ServiceRef> wanted = Set.copyOf(services);
    Map<ServiceRef, LiveHead> heads = new HashMap<>();
    h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM "
                + CURRENT
                + " WHERE service IN (<services>) AND phase IN ('CANARY', 'PAUSED', 'ROLLING_BACK')")
        .bindList("services", wanted.stream().map(ServiceRef::service).distinct().toList())
        .map(ExperimentRepository::map)
        .forEach(
            row -> {
              Experiment e = row.record().experiment();
              ServiceRef ref = new ServiceRef(e.namespace(), e.service());
              if (wanted.contains(ref)) {
                heads.put(
                    ref,
                    new LiveHead(e.id(), e.phase(), e.candidate().version(), e.currentWeight()));
              }
            });
    return heads;
  }

  /** The experiment holding {@code service} (CANARY, PAUSED or ROLLING_BACK), locked. */
  public Optional<ExperimentRecord> findLiveForUpdate(Tx h, String namespace, String service) {
    return locked(
        h,
        h.createQuery(
                "SELECT id FROM experiments WHERE namespace = :namespace AND service = :service "
                    + "AND phase IN ('CANARY', 'PAUSED', 'ROLLING_BACK') FOR UPDATE")
            .bind("namespace", namespace)
            .bind("service", service));
  }

  /** A service: its name in a namespace. */
  public record ServiceRef(String namespace, String service) {}

  /**
   * The live experiments (CANARY, PAUSED or ROLLING_BACK) of {@code services}, not locked: one
   * statement for a whole batch.
   *
   * <p>The batch that reads them locks each row only when it writes it ({@link #updateAll}, whose
   * statement checks the revision read here), so timers, API actions and the actuation relay's
   * reports are not held behind a whole batch. A row another writer changed meanwhile fails that
   * write with {@link StaleStateException}, and the batch runs again from the start. Locking the
   * rows here cost a WAL record per row (docs/benchmarks.md, "Batches that lock only what they
   * write").
   */
  public Map<ServiceRef, ExperimentRecord> readLive(Tx h, Collection<ServiceRef> services) {
    return readLive(h, services, false).records();
  }

  /**
   * What {@link #readLive(Tx, Collection, boolean)} found: the live experiments by service, and, by
   * id, the revision of each taken from this replica's own committed write without reading its row.
   */
  public record LiveRead(Map<ServiceRef, ExperimentRecord> records, Map<String, Long> unverified) {}

  /**
   * {@link #readLive(Tx, Collection)}; with {@code trustOwnWrites}, a service whose canary this
   * replica wrote last, and whose row it still caches as written, is taken from the cache without a
   * statement. At 10 000 running experiments nearly every service in a batch is one, and the read
   * that checked each one's write token took 12 to 20 µs of PostgreSQL's time per event
   * (docs/benchmarks.md, "Batches that trust their own writes, and service names kept under an
   * epoch"; ADR-015).
   *
   * <p>Such a state is not checked against the table here. Any write of the row since, by any
   * writer, moved its revision: the conditional write of {@link #updateAll} then finds the row
   * moved, and an experiment the caller decides nothing for must be passed to {@link
   * #verifyUnwritten} before its transaction commits. Either throws {@link StaleStateException},
   * and the caller runs again without trust.
   */
  public LiveRead readLive(Tx h, Collection<ServiceRef> services, boolean trustOwnWrites) {
    if (services.isEmpty()) {
      return new LiveRead(Map.of(), Map.of());
    }
    List<Stored> found = new ArrayList<>();
    Map<String, Long> unverified = new HashMap<>();
    Collection<ServiceRef> toRead = services;
    if (trustOwnWrites && cachedRows > 0 && !ownWrites.isEmpty()) {
      toRead = new ArrayList<>(services.size());
      for (ServiceRef ref : services) {
        Stored own = ownWrite(ref);
        if (own == null) {
          toRead.add(ref);
        } else {
          found.add(own);
          Experiment e = own.record().experiment();
          unverified.put(e.id(), e.revision());
        }
      }
    }
    readLive(h, toRead, found);
    Map<ServiceRef, ExperimentRecord> out = new HashMap<>();
    for (ExperimentRecord r : withSamples(h, found)) {
      out.put(new ServiceRef(r.experiment().namespace(), r.experiment().service()), r);
    }
    return new LiveRead(out, unverified);
  }

  /**
   * The row of {@code service}'s canary as this replica's last committed write left it, when the
   * row cache still holds that write; null otherwise.
   */
  private Stored ownWrite(ServiceRef service) {
    OwnWrite own = ownWrites.get(service);
    if (own == null) {
      return null;
    }
    Stored row = rows.get(own.id(), own.token());
    if (row == null
        || row.record().experiment().revision() != own.revision()
        || row.record().experiment().phase() != Phase.CANARY) {
      return null;
    }
    return row;
  }

  /** Adds to {@code found} the stored live experiments of {@code services}, cached or decoded. */
  private void readLive(Tx h, Collection<ServiceRef> services, List<Stored> found) {
    if (services.isEmpty()) {
      return;
    }
    // Ids, write tokens and journal tails first; decode only the rows not cached as they are.
    record Live(String id, long token, long tail) {}
    List<Live> live =
        h.createQuery(
                "SELECT id, samples_token, samples_to FROM "
                    + CURRENT
                    + " WHERE (namespace, service) IN "
                    + "(SELECT * FROM unnest(:namespaces, :services)) "
                    + "AND phase IN ('CANARY', 'PAUSED', 'ROLLING_BACK')")
            .bind("namespaces", namespaces(services))
            .bind("services", names(services))
            .map(
                (rs, ctx) ->
                    new Live(
                        rs.getString("id"), rs.getLong("samples_token"), rs.getLong("samples_to")))
            .list();
    List<String> misses = new ArrayList<>();
    for (Live row : live) {
      Stored cached = rows.get(row.id(), row.token());
      // A fence alone moves the tail, not the token (one whose transaction was not run by
      // JdbiFactory's Jdbi, which drops unwritten fences).
      if (cached != null && cached.journal().to() == row.tail()) {
        found.add(cached);
      } else {
        misses.add(row.id());
      }
    }
    if (!misses.isEmpty()) {
      h.createQuery("SELECT " + COLUMNS + " FROM " + CURRENT + " WHERE id = ANY(:ids)")
          .bind("ids", BinaryArrays.text(misses.toArray(String[]::new)))
          .map(ExperimentRepository::map)
          .forEach(
              row -> {
                rows.put(row.record().experiment().id(), row.journal().token(), row);
                found.add(row);
              });
    }
  }

  /**
   * Checks that the experiments a batch took from this replica's own writes ({@link #readLive(Tx,
   * Collection, boolean)}) and then did not write are still at the revisions it decided from: one
   * statement. A window such a batch refused (one of another candidate's version, say) must not
   * stand if another writer changed the experiment meanwhile, or started another in its place.
   *
   * @param revisions by experiment id, the revision each was read at
   * @throws StaleStateException when one moved
   */
  public void verifyUnwritten(Tx h, Map<String, Long> revisions) {
    if (revisions.isEmpty()) {
      return;
    }
    Map<String, Long> stored = new HashMap<>();
    h.createQuery("SELECT id, version FROM " + CURRENT + " WHERE id = ANY(:ids)")
        .bind("ids", BinaryArrays.text(revisions.keySet().toArray(String[]::new)))
        .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getLong("version")))
        .forEach(row -> stored.put(row.getKey(), row.getValue()));
    for (Map.Entry<String, Long> read : revisions.entrySet()) {
      if (!read.getValue().equals(stored.get(read.getKey()))) {
        ownWrites.values().removeIf(own -> own.id().equals(read.getKey()));
        throw new StaleStateException(
            "experiment " + read.getKey() + " is no longer at revision " + read.getValue());
      }
    }
  }

  /** The namespaces of {@code services}, in order, as a binary text array. */
  private static Argument namespaces(Collection<ServiceRef> services) {
    return BinaryArrays.text(services.stream().map(ServiceRef::namespace).toArray(String[]::new));
  }

  /** The service names of {@code services}, in order, as a binary text array. */
  private static Argument names(Collection<ServiceRef> services) {
    return BinaryArrays.text(services.stream().map(ServiceRef::service).toArray(String[]::new));
  }

  /**
   * For each service name of {@code names}, the namespaces where it is managed, in order (absent
   * when none): {@link #namespacesOf} for a whole batch, from what this replica keeps under the
   * services epoch, one statement for the names it does not.
   */
  public Map<String, List<String>> namespacesOfAll(Tx h, Collection<String> names) {
    return serviceNamespaces.of(h, names);
  }

  /** The oldest QUEUED experiment of {@code service}, locked. */
  public Optional<ExperimentRecord> oldestQueuedForUpdate(Tx h, String namespace, String service) {
    return locked(
        h,
        h.createQuery(
                "SELECT id FROM experiments WHERE namespace = :namespace AND service = :service "
                    + "AND phase = 'QUEUED' ORDER BY submitted_at, id LIMIT 1 FOR UPDATE")
            .bind("namespace", namespace)
            .bind("service", service));
  }

  /**
   * Experiments, newest first, optionally only those of {@code service} (any namespace) and in
   * {@code phases}.
   */
  public List<ExperimentRecord> list(Tx h, String service, Collection<Phase> phases, int limit) {
    return list(h, null, service, phases, NamespaceScope.ALL, limit);
  }

  /**
   * Experiments in {@code scope}, newest first, optionally only those in {@code namespace}, of
   * {@code service} and in {@code phases}.
   */
  public List<ExperimentRecord> list(
      Tx h,
      String namespace,
      String service,
      Collection<Phase> phases,
      NamespaceScope scope,
      int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + COLUMNS + " FROM " + CURRENT + " WHERE " + scope.condition("namespace"));
    if (namespace != null) {
      sql.append(" AND namespace = :namespace");
    }
    if (service != null) {
      sql.append(" AND service = :service");
    }
    if (phases != null && !phases.isEmpty()) {
      sql.append(" AND phase IN (<phases>)");
    }
    sql.append(" ORDER BY submitted_at DESC, id DESC LIMIT :limit");
    var query = scope.bind(h.createQuery(sql.toString()).bind("limit", limit));
    if (namespace != null) {
      query.bind("namespace", namespace);
    }
    if (service != null) {
      query.bind("service", service);
    }
    if (phases != null && !phases.isEmpty()) {
      query.bindList("phases", phases.stream().map(Phase::name).toList());
    }
    return withSamples(h, query.map(ExperimentRepository::map).list());
  }

  /**
   * The CANARY experiments not yet flagged silent that have heard no health window for longer than
   * their policy's {@code maxSilence} at {@code now}, longest silent first, at most {@code limit}:
   * the ones the core's silence check would flag (it decides; this only spares it the others). One
   * statement over the live rows, decoding nothing: the silence watch used to load and decode every
   * CANARY experiment, samples included, on every tick, and looked at the newest 10 000 only.
   */
  public List<String> silentCandidates(Tx h, Instant now, int limit) {
    return h.createQuery(
            "SELECT id FROM "
                + CURRENT
                + " WHERE phase = 'CANARY' AND NOT silent "
                + "AND COALESCE(last_window_at, step_entered_at) "
                + "+ (policy ->> 'maxSilence')::interval < :now "
                + "ORDER BY COALESCE(last_window_at, step_entered_at), id LIMIT :limit")
        .bind("now", ts(now))
        .bind("limit", limit)
        .mapTo(String.class)
        .list();
  }

  /** Experiments written after {@code since}, oldest write first, at most {@code limit}. */
  public List<Stamp> updatedAfter(Tx h, Instant since, int limit) {
    return h.createQuery(
            "SELECT id, version, updated_at FROM "
                + CURRENT
                + " WHERE updated_at > :since "
                + "ORDER BY updated_at, id LIMIT :limit")
        .bind("since", ts(since))
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new Stamp(rs.getString("id"), rs.getLong("version"), instant(rs, "updated_at")))
        .list();
  }

  /**
   * The most recently submitted experiment of {@code version} of the service, with its decision
   * time.
   */
  public Optional<LatestDecision> latestDecision(
      Tx h, String namespace, String service, String version) {
    return h.createQuery(
            "SELECT e.id, e.phase, (SELECT max(t.at) FROM transitions t WHERE t.experiment_id = e.id "
                + "AND t.to_phase IN ('PROMOTED', 'QUARANTINED', 'ABORTED')) AS decided_at FROM experiments e "
                + "WHERE e.namespace = :namespace AND e.service = :service AND e.candidate_version = :version "
                + "ORDER BY e.submitted_at DESC LIMIT 1")
        .bind("namespace", namespace)
        .bind("service", service)
        .bind("version", version)
        .map(
            (rs, ctx) ->
                new LatestDecision(
                    rs.getString("id"), rs.getString("phase"), instant(rs, "decided_at")))
        .findOne();
  }

  /**
   * Stores a new experiment.
   *
   * @param router the submission's router ({@code istio}, …), or null to detect it
   * @param quarantineShape the policy's quarantine shape, or null for the default
   */
  public void insert(
      Tx h,
      Experiment e,
      String submittedBy,
      String origin,
      String router,
      String quarantineShape,
      Instant now) {
    StepSampleRepository.Write write = samples.plan(e.id(), -1, e.progress().samples());
    h.createUpdate(
            "INSERT INTO experiments (id, service, namespace, candidate_version, candidate_image, "
                + "policy, phase, step_index, progress, last_judgment, production_version, version, "
                + "submitted_at, submitted_by, origin, step_entered_at, last_window_at, silent, updated_at, "
                + "router, quarantine_shape, actuation, samples_from, samples_to, samples_token, settled_at) "
                + "VALUES (:id, :service, :namespace, :cv, :ci, :policy::jsonb, :phase, :step, "
                + ":progress::json, :judgment::json, :pv, :version, :submittedAt, :submittedBy, :origin, "
                + ":stepEnteredAt, :lastWindowAt, :silent, :now, :router, :quarantineShape, :actuation::json, "
                + "0, :samplesTo, :token, :settledAt)")
        .bind("samplesTo", (long) write.entries().size())
        .bind("token", write.newToken())
        .bind("settledAt", e.phase().isSettled() ? ts(now) : null)
        .bind("router", router)
        .bind("quarantineShape", quarantineShape)
        .bind("actuation", StateJson.writeAscii(e.actuation()))
        .bind("id", e.id())
        .bind("service", e.service())
        .bind("namespace", e.namespace())
        .bind("cv", e.candidate().version())
        .bind("ci", e.candidate().image())
        .bind("policy", StateJson.write(e.policy()))
        .bind("phase", e.phase().name())
        .bind("step", e.stepIndex())
        .bind("progress", ProgressCodec.write(e.progress().withoutSamples()))
        .bind("judgment", StateJson.writeAscii(e.lastJudgment()))
        .bind("pv", e.productionVersion())
        .bind("version", e.revision())
        .bind("submittedAt", ts(microsOf(e.submittedAt())))
        .bind("submittedBy", submittedBy)
        .bind("origin", origin)
        .bind("stepEnteredAt", ts(microsOf(e.stepEnteredAt())))
        .bind("lastWindowAt", ts(microsOf(e.lastWindowAt())))
        .bind("silent", e.silent())
        .bind("now", ts(now))
        .execute();
    Set<String> moved =
        samples.append(
            h, List.of(new StepSampleRepository.Appended(e.id(), 0, write.entries())), now);
    if (!moved.isEmpty()) {
      throw new IllegalStateException("experiment " + e.id() + " has journal rows already");
    }
    samples.written(e.id(), e.revision(), write.newToken(), e.progress().samples());
    int size = write.entries().size();
    positions(h).put(e.id(), new Position(0, size, e.revision(), e.revision(), write.newToken()));
    rows.put(
        e.id(),
        write.newToken(),
        new Stored(
            new ExperimentRecord(stored(e), submittedBy, origin, now, router, quarantineShape),
            new StepSampleRepository.Journal(0, size, write.newToken()),
            null,
            new StoredJudgment(e.lastJudgment(), now),
            null,
            null,
            e.revision(),
            size));
  }

  /**
   * Writes {@code after} over the stored experiment if it is still at {@code expectedRevision}.
   *
   * @throws StaleStateException when another writer changed it first; nothing is written
   */
  public void update(Tx h, long expectedRevision, Experiment after, Instant now) {
    updateAll(h, List.of(new Change(expectedRevision, after)), now);
  }

  /**
   * A new state for an experiment stored at {@code expectedRevision}.
   *
   * @param before the state as read at that revision, samples included, or null: what the new
   *     samples are appended to when this replica no longer holds that revision's samples in its
   *     sample cache (a replica whose cache is smaller than its experiments' samples would
   *     otherwise write every sample of the step afresh at every write)
   * @param path the samples after each decision since {@code before}, ending with {@code after}'s,
   *     or empty: lets windows whose arrival merged neighbouring samples be appended rather than
   *     the step's samples written afresh ({@link StepSampleRepository#plan})
   */
  public record Change(
      long expectedRevision, Experiment after, Experiment before, List<StepEvidence> path) {
    public Change {
      path = List.copyOf(path);
    }

    public Change(long expectedRevision, Experiment after, Experiment before) {
      this(expectedRevision, after, before, List.of());
    }

    public Change(long expectedRevision, Experiment after) {
      this(expectedRevision, after, null);
    }
  }

  /**
   * {@link #update} for a whole batch: one statement writes the rows that change beyond their
   * progress, one more appends every sample, with the state of the others on their last (V16).
   *
   * @throws StaleStateException when an experiment moved since this transaction read it
   */
  public void updateAll(Tx h, List<Change> decided, Instant now) {
    if (decided.isEmpty()) {
      return;
    }
    // Everything known of each change is kept at its index, in arrays, not looked up by id in a map
    // per step. What a batch of 10 000 experiments pays is the first touch of each experiment's
    // state, which this does not remove (docs/benchmarks.md, "A batch's changes by index").
    int n = decided.size();
    Position[] read = positionsOf(h, decided);
    List<StepSampleRepository.Write> writes = new ArrayList<>(n);
    boolean[] keepJudgment = new boolean[n];
    DraftReference.Ref[] drafts = new DraftReference.Ref[n];
    List<Change> changes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Change c = decided.get(i);
      Position at = read[i];
      if (at == null || at.revision() != c.expectedRevision()) {
        throw stale(c);
      }
      StepSampleRepository.Write w =
          samples.plan(
              c.after().id(),
              c.expectedRevision(),
              at.token(),
              c.after().progress().samples(),
              baseOf(c, at),
              c.path());
      writes.add(w);
      // A judgment with its text that may trail is kept first: keeping costs nothing, and a
      // reference could not be kept by the next write if that one's draft judged other evidence
      // (a baseline window after the last canary window), which would store the text at once.
      Judgment kept = judgmentMayTrail(c.after(), w, at, now);
      DraftReference.Ref draft = kept == null ? DraftReference.of(c.after(), w) : null;
      if (kept != null) {
        keepJudgment[i] = true;
        // A trailing judgment is written nowhere, so its text is not written either: the state
        // written and cached carries the stored judgment, as a cold read of the row does.
        changes.add(new Change(c.expectedRevision(), c.after().withLastJudgment(kept), c.before()));
      } else if (draft != null) {
        // The draft stays one: the row stores it by reference, and its text is written when read.
        drafts[i] = draft;
        changes.add(c);
      } else {
        changes.add(new Change(c.expectedRevision(), c.after().explained(), c.before()));
      }
    }
    Range[] written = write(h, changes, writes, keepJudgment, drafts, read, now);
    List<Experiment> committed = new ArrayList<>(n);
    List<Long> committedTokens = new ArrayList<>(n);
    Map<String, Position> positions = positions(h);
    for (int i = 0; i < n; i++) {
      Experiment e = changes.get(i).after();
      long token = writes.get(i).newToken();
      committed.add(e);
      committedTokens.add(token);
      Range range = written[i];
      boolean kept = keepJudgment[i];
      DraftReference.Ref draft = drafts[i];
      long rowVersion = range.journalOnly() ? read[i].rowVersion() : e.revision();
      positions.put(
          e.id(), new Position(range.from(), range.to(), rowVersion, e.revision(), token));
      samples.written(e.id(), e.revision(), token, e.progress().samples());
      // A draft is cached as a cold read finds it, by reference: rebuilt on each read from the
      // samples then attached, so the row cache never holds a step's samples itself, but for the
      // samples a draft judged before windows appended after it (a list of the same samples).
      Experiment cached = draft == null ? e : e.withLastJudgment(null);
      StepEvidence judged =
          draft != null && draft.unjudged() > 0 ? e.judgmentAsDecided().judged().samples() : null;
      rows.rewrite(
          e.id(),
          token,
          old ->
              new Stored(
                  new ExperimentRecord(
                      stored(cached),
                      old.record().submittedBy(),
                      old.record().origin(),
                      now,
                      old.record().router(),
                      old.record().quarantineShape()),
                  new StepSampleRepository.Journal(range.from(), range.to(), token),
                  null,
                  // A reference never trails: it stands for the judgment of the progress
                  // written with it.
                  draft != null
                      ? null
                      : kept ? old.judgment() : new StoredJudgment(e.lastJudgment(), now),
                  draft,
                  judged,
                  rowVersion,
                  kept ? old.judgmentTo() : range.judgmentTo()));
    }
    if (cachedRows > 0) {
      h.afterCommit(() -> trust(committed, committedTokens));
    }
  }

  /**
   * Where this transaction read each experiment of {@code changes}, by index (null: not stored);
   * those it did not read (a caller that decided from a state it holds) are read now, in one
   * statement, and must still be at the revision they were decided from.
   */
  private Position[] positionsOf(Tx h, List<Change> changes) {
    Map<String, Position> known = positions(h);
    Position[] out = new Position[changes.size()];
    List<String> unread = new ArrayList<>();
    for (int i = 0; i < out.length; i++) {
      out[i] = known.get(changes.get(i).after().id());
      if (out[i] == null) {
        unread.add(changes.get(i).after().id());
      }
    }
    if (!unread.isEmpty()) {
      Map<String, Position> fetched = new HashMap<>();
      h.createQuery(
              "SELECT id, samples_from, samples_to, row_version, version, samples_token FROM "
                  + CURRENT
                  + " WHERE id = ANY(:ids)")
          .bind("ids", BinaryArrays.text(unread.toArray(String[]::new)))
          .map(
              (rs, ctx) ->
                  Map.entry(
                      rs.getString("id"),
                      new Position(
                          rs.getLong("samples_from"),
                          rs.getLong("samples_to"),
                          rs.getLong("row_version"),
                          rs.getLong("version"),
                          rs.getLong("samples_token"))))
          .forEach(entry -> fetched.put(entry.getKey(), entry.getValue()));
      for (int i = 0; i < out.length; i++) {
        if (out[i] == null) {
          out[i] = fetched.get(changes.get(i).after().id());
        }
      }
    }
    return out;
  }

  /**
   * Once their transaction committed: the canaries of {@code written} (under {@code tokens}) are
   * what this replica may decide from without reading their rows; any other phase ends that. An
   * older write's callback, run late, never replaces a newer one of the same experiment.
   */
  private void trust(List<Experiment> written, List<Long> tokens) {
    for (int i = 0; i < written.size(); i++) {
      Experiment e = written.get(i);
      ServiceRef ref = new ServiceRef(e.namespace(), e.service());
      if (e.phase() != Phase.CANARY) {
        ownWrites.computeIfPresent(
            ref,
            (k, own) -> own.id().equals(e.id()) && own.revision() <= e.revision() ? null : own);
      } else if (ownWrites.size() < cachedRows || ownWrites.containsKey(ref)) {
        ownWrites.merge(
            ref,
            new OwnWrite(e.id(), e.revision(), tokens.get(i)),
            (own, now) -> own.id().equals(now.id()) && own.revision() > now.revision() ? own : now);
      }
    }
  }

  /**
   * The stored judgment the write of {@code e} may leave as it is, or null: {@code e} is a canary
   * whose row this replica cached under the token it was read with, and whose stored judgment has
   * the same verdict and step as the newest and was written less than {@code judgmentInterval} ago.
   * Every decision (a transition) and every verdict change is stored at once; in between, the
   * stored judgment of a busy canary trails by at most the interval (its {@code at} says which
   * window it judged). The lifecycle reads a stored judgment only as quarantine evidence, once the
   * failing verdict (a change) was stored. The newest judgment is compared as decided, so a draft's
   * text is written only when the judgment is stored.
   */
  private Judgment judgmentMayTrail(
      Experiment e, StepSampleRepository.Write w, Position at, Instant now) {
    if (judgmentInterval.isZero() || w.snapshot() || e.phase() != Phase.CANARY) {
      return null;
    }
    Stored cached = rows.get(e.id(), at.token());
    // Under the token read, whatever fences moved its tail since: a fence stores no judgment.
    if (cached == null || cached.judgment() == null) {
      return null;
    }
    StoredJudgment stored = cached.judgment();
    // As decided: a draft's verdict and step, without writing its text.
    Judgment newest = e.judgmentAsDecided();
    boolean trails =
        stored.judgment() != null
            && newest != null
            && stored.judgment().verdict() == newest.verdict()
            && stored.judgment().step() == newest.step()
            && cached.record().experiment().phase() == e.phase()
            && cached.record().experiment().stepIndex() == e.stepIndex()
            && now.isBefore(stored.writtenAt().plus(judgmentInterval));
    return trails ? stored.judgment() : null;
  }

  /** The samples {@code c} was decided from, as read, or null when unknown. */
  private static StepEvidence baseOf(Change c, Position at) {
    if (c.before() == null || c.before().revision() != c.expectedRevision() || at.token() == 0) {
      return null;
    }
    return c.before().progress().samples();
  }

  /** The failure of a write that found {@code c}'s row moved; this replica no longer trusts it. */
  private StaleStateException stale(Change c) {
    Experiment e = c.after();
    ownWrites.computeIfPresent(
        new ServiceRef(e.namespace(), e.service()),
        (ref, own) -> own.id().equals(e.id()) ? null : own);
    return new StaleStateException(
        "experiment " + c.after().id() + " is no longer at revision " + c.expectedRevision());
  }

  /**
   * The actuation column of an experiment that awaits no command, as nearly every running canary's
   * row is written between traffic shifts: serialised once, not once per row and batch.
   */
  private static final String NO_ACTUATION = StateJson.writeAscii(Actuation.NONE);

  /**
   * What a write left: the journal range {@code from <= seq < to} (fences included), where the
   * range of a judgment it stored by reference ends, and whether the row was left as it was.
   */
  private record Range(long from, long to, long judgmentTo, boolean journalOnly) {}

  /**
   * Whether {@code c} may be written to the journal alone (V16): a running canary's write that
   * appends samples and changes nothing of the row but its progress, judgment, revision and last
   * window.
   */
  private static boolean journalOnly(Change c, StepSampleRepository.Write w, Position at) {
    Experiment before = c.before();
    Experiment after = c.after();
    return before != null
        && before.revision() == c.expectedRevision()
        && at.token() != 0
        && !w.snapshot()
        && !w.entries().isEmpty()
        && before.phase() == Phase.CANARY
        && after.phase() == Phase.CANARY
        && before.stepIndex() == after.stepIndex()
        && Objects.equals(before.stepEnteredAt(), after.stepEnteredAt())
        && before.silent() == after.silent()
        && Objects.equals(before.actuation(), after.actuation())
        && Objects.equals(before.productionVersion(), after.productionVersion());
  }

  /**
   * Writes {@code changes}: one statement for the rows that change beyond their progress, still as
   * this transaction read them, and one that appends every experiment's samples at the tail it read
   * (with the state of the journal-only writes on their last sample, and a fence for a row write
   * that appends none). Either finding an experiment moved fails the write.
   *
   * <p>The rows travel as column arrays in PostgreSQL's binary format, each state document one
   * {@code text} element cast to {@code json} (V11: validated and stored as text, not converted to
   * {@code jsonb}'s binary form). They used to travel as one JSON document read with {@code
   * jsonb_to_recordset}, whose function scan took 70 to 85% of this statement at 10 000 experiments
   * (auto_explain, docs/benchmarks.md): the server parsed the whole document, printed each nested
   * state document back to text and parsed it again.
   *
   * @throws StaleStateException when an experiment moved since it was read
   */
  private Range[] write(
      Tx h,
      List<Change> changes,
      List<StepSampleRepository.Write> writes,
      boolean[] keepJudgment,
      DraftReference.Ref[] drafts,
      Position[] read,
      Instant now) {
    // The writes travel sorted by id. Joined by a nested loop over the primary key, as PostgreSQL
    // plans a batch's rows against a large table, they are locked in that order, so two batches
    // that write the same experiments (two replicas while a partition changes hands) do not wait on
    // each other in a cycle; should they, PostgreSQL fails one, and it runs again (BatchProcessor).
    int n = changes.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(k -> changes.get(k).after().id()));
    List<Integer> rowWrites = new ArrayList<>(n);
    boolean[] journalOnly = new boolean[n];
    for (int k : order) {
      Change c = changes.get(k);
      journalOnly[k] = journalOnly(c, writes.get(k), read[k]);
      if (!journalOnly[k]) {
        rowWrites.add(k);
      }
    }
    Set<String> rowsWritten =
        writeRows(h, changes, writes, keepJudgment, drafts, read, rowWrites, now);
    for (int k : rowWrites) {
      if (!rowsWritten.contains(changes.get(k).after().id())) {
        throw stale(changes.get(k));
      }
    }
    Range[] written = new Range[n];
    List<StepSampleRepository.Appended> appended = new ArrayList<>(n);
    for (int k : order) {
      Change c = changes.get(k);
      Experiment e = c.after();
      StepSampleRepository.Write w = writes.get(k);
      Position at = read[k];
      long tail = at.tail();
      int entries = w.entries().size();
      if (journalOnly[k]) {
        appended.add(
            new StepSampleRepository.Appended(
                e.id(),
                tail,
                w.entries(),
                new StepSampleRepository.State(
                    e.revision(),
                    ProgressCodec.write(e.progress().withoutSamples()),
                    judgmentText(e, keepJudgment[k], drafts[k]),
                    e.lastWindowAt(),
                    w.newToken()),
                false));
        written[k] = new Range(at.from(), tail + entries, tail + entries, true);
      } else {
        boolean fence = entries == 0;
        appended.add(new StepSampleRepository.Appended(e.id(), tail, w.entries(), null, fence));
        long from = w.snapshot() ? tail : at.from();
        written[k] = new Range(from, tail + entries + (fence ? 1 : 0), tail + entries, false);
      }
    }
    Set<String> moved = samples.append(h, appended, now);
    for (int k : order) {
      if (moved.contains(changes.get(k).after().id())) {
        throw stale(changes.get(k));
      }
    }
    return written;
  }

  /**
   * The judgment column's text for {@code e}'s write: null when the stored judgment stays, a
   * draft's reference, or the judgment itself.
   */
  private static String judgmentText(Experiment e, boolean keep, DraftReference.Ref draft) {
    if (keep) {
      return null;
    }
    return draft != null ? DraftReference.write(draft) : StateJson.writeAscii(e.lastJudgment());
  }

  /**
   * One statement for the rows of {@code changes} at {@code indexes}, each written only if its row
   * is still at the revision this transaction read and nothing was appended to its journal since;
   * the ids of the rows written.
   */
  private Set<String> writeRows(
      Tx h,
      List<Change> changes,
      List<StepSampleRepository.Write> writes,
      boolean[] keepJudgment,
      DraftReference.Ref[] drafts,
      Position[] read,
      List<Integer> indexes,
      Instant now) {
    Set<String> written = new HashSet<>();
    int n = indexes.size();
    if (n == 0) {
      return written;
    }
    String[] ids = new String[n];
    Long[] rowVersions = new Long[n];
    Long[] tails = new Long[n];
    String[] phases = new String[n];
    Integer[] steps = new Integer[n];
    String[] progress = new String[n];
    String[] judgments = new String[n];
    Boolean[] keep = new Boolean[n];
    Long[] versions = new Long[n];
    Long[] entered = new Long[n];
    Long[] lastWindow = new Long[n];
    Boolean[] silent = new Boolean[n];
    String[] actuations = new String[n];
    Boolean[] settled = new Boolean[n];
    Boolean[] snapshot = new Boolean[n];
    Long[] appended = new Long[n];
    Long[] tokens = new Long[n];
    for (int i = 0; i < n; i++) {
      int k = indexes.get(i);
      Experiment e = changes.get(k).after();
      StepSampleRepository.Write w = writes.get(k);
      Position at = read[k];
      ids[i] = e.id();
      rowVersions[i] = at.rowVersion();
      tails[i] = at.tail();
      phases[i] = e.phase().name();
      steps[i] = e.stepIndex();
      progress[i] = ProgressCodec.write(e.progress().withoutSamples());
      judgments[i] = judgmentText(e, keepJudgment[k], drafts[k]);
      keep[i] = keepJudgment[k];
      versions[i] = e.revision();
      entered[i] = StepSampleRepository.micros(e.stepEnteredAt());
      lastWindow[i] = StepSampleRepository.micros(e.lastWindowAt());
      silent[i] = e.silent();
      actuations[i] =
          Actuation.NONE.equals(e.actuation()) ? NO_ACTUATION : StateJson.writeAscii(e.actuation());
      settled[i] = e.phase().isSettled();
      snapshot[i] = w.snapshot();
      appended[i] = (long) w.entries().size();
      tokens[i] = w.newToken();
    }
    // A kept judgment is the one stored last: on the row, or on a journal-only write since (V16).
    h.createQuery(
            "UPDATE experiments e SET phase = v.phase, step_index = v.step, "
                + "progress = v.progress::json, "
                + "last_judgment = CASE WHEN v.keep THEN COALESCE((SELECT x.last_judgment::json "
                + "FROM step_samples x WHERE x.experiment_id = e.id AND x.seq >= e.samples_to "
                + "AND x.last_judgment IS NOT NULL ORDER BY x.seq DESC LIMIT 1), e.last_judgment) "
                + "ELSE v.judgment::json END, "
                + "version = v.version, "
                + "step_entered_at = timestamptz 'epoch' + v.entered * interval '1 microsecond', "
                + "last_window_at = timestamptz 'epoch' + v.last_window * interval '1 microsecond', "
                + "silent = v.silent, actuation = v.actuation::json, updated_at = :now, "
                + "settled_at = CASE WHEN v.settled THEN CAST(:now AS timestamptz) END, "
                + "samples_from = CASE WHEN v.snapshot THEN v.tail ELSE e.samples_from END, "
                + "samples_to = v.tail + v.n, samples_token = v.token "
                + "FROM unnest(:ids, :rowVersions, :tails, :phases, :steps, :progress, :judgments, "
                + ":keep, :versions, :entered, :lastWindow, :silent, :actuations, :settled, "
                + ":snapshot, :appended, :tokens) AS v(id, row_version, tail, phase, step, "
                + "progress, judgment, keep, version, entered, last_window, silent, actuation, "
                + "settled, snapshot, n, token) "
                + "WHERE e.id = v.id AND e.version = v.row_version AND NOT EXISTS "
                + "(SELECT 1 FROM step_samples x WHERE x.experiment_id = v.id AND x.seq >= v.tail) "
                + "RETURNING e.id")
        .bind("ids", BinaryArrays.text(ids))
        .bind("rowVersions", BinaryArrays.int8(rowVersions))
        .bind("tails", BinaryArrays.int8(tails))
        .bind("phases", BinaryArrays.text(phases))
        .bind("steps", BinaryArrays.int4(steps))
        .bind("progress", BinaryArrays.text(progress))
        .bind("judgments", BinaryArrays.text(judgments))
        .bind("keep", BinaryArrays.bool(keep))
        .bind("versions", BinaryArrays.int8(versions))
        .bind("entered", BinaryArrays.int8(entered))
        .bind("lastWindow", BinaryArrays.int8(lastWindow))
        .bind("silent", BinaryArrays.bool(silent))
        .bind("actuations", BinaryArrays.text(actuations))
        .bind("settled", BinaryArrays.bool(settled))
        .bind("snapshot", BinaryArrays.bool(snapshot))
        .bind("appended", BinaryArrays.int8(appended))
        .bind("tokens", BinaryArrays.int8(tokens))
        .bind("now", ts(now))
        .mapTo(String.class)
        .forEach(written::add);
    return written;
  }

  /**
   * Makes {@code service} in {@code namespace} managed (idempotent) and returns its production
   * version, if any.
   */
  public Optional<String> manage(Tx h, String service, String namespace, Instant now) {
    h.createUpdate(
            "INSERT INTO services (name, namespace, managed_since, updated_at) "
                + "VALUES (:name, :namespace, :now, :now) ON CONFLICT (namespace, name) DO NOTHING")
        .bind("name", service)
        .bind("namespace", namespace)
        .bind("now", ts(now))
        .execute();
    return h.createQuery(
            "SELECT production_version FROM services WHERE namespace = :namespace AND name = :name")
        .bind("namespace", namespace)
        .bind("name", service)
        .mapTo(String.class)
        .findOne();
  }

  /**
   * The namespaces in which a service called {@code service} is managed, in order; empty when none.
   */
  public List<String> namespacesOf(Tx h, String service) {
    return h.createQuery("SELECT namespace FROM services WHERE name = :name ORDER BY namespace")
        .bind("name", service)
        .mapTo(String.class)
        .list();
  }

  public boolean isManaged(Tx h, String namespace, String service) {
    return h.createQuery(
                "SELECT count(*) FROM services WHERE namespace = :namespace AND name = :name")
            .bind("namespace", namespace)
            .bind("name", service)
            .mapTo(Integer.class)
            .one()
        > 0;
  }

  /**
   * Records {@code version} as the service's V2, keeping the previous one as the rollback target.
   */
  public void promote(Tx h, String namespace, String service, String version, Instant now) {
    h.createUpdate(
            "UPDATE services SET previous_production_version = production_version, "
                + "production_version = :version, updated_at = :now WHERE namespace = :namespace AND name = :name")
        .bind("version", version)
        .bind("now", ts(now))
        .bind("namespace", namespace)
        .bind("name", service)
        .execute();
  }

  static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  /**
   * A row as read: the experiment without its step samples, where they are, and the judgment the
   * row holds with when it was written (see {@link #judgmentMayTrail}); for a draft stored by
   * reference, the reference instead (the experiment's judgment is null until {@link #attach}
   * rebuilds it with the samples); {@code judged}, the samples such a draft judged when they are
   * not the row's (null when this replica did not write it: read from the journal).
   */
  /**
   * An experiment as stored: its record, journal range and write token, and what of its judgment a
   * read needs.
   *
   * @param rowVersion the revision its row holds (below the experiment's after journal-only writes)
   * @param judgmentTo where the journal range ended when its judgment was stored (a draft stored by
   *     reference left out rows at the end of that range)
   */
  private record Stored(
      ExperimentRecord record,
      StepSampleRepository.Journal journal,
      StepEvidence legacy,
      StoredJudgment judgment,
      DraftReference.Ref draft,
      StepEvidence judged,
      long rowVersion,
      long judgmentTo) {

    /** This state with its journal ending at {@code tail} (after a fence). */
    Stored withTail(long tail) {
      return new Stored(
          record,
          new StepSampleRepository.Journal(journal.from(), tail, journal.token()),
          legacy,
          judgment,
          draft,
          judged,
          rowVersion,
          judgmentTo);
    }
  }

  /**
   * The judgment a row holds and when this replica wrote it (null: read from the table, time
   * unknown).
   */
  private record StoredJudgment(Judgment judgment, Instant writtenAt) {}

  private ExperimentRecord withSamples(Tx h, Stored row) {
    remember(h, row);
    Experiment e = row.record().experiment();
    return attach(
        row,
        samples.load(h, e.id(), e.revision(), row.journal(), row.legacy()),
        judgedSamples(h, List.of(row)).get(e.id()));
  }

  private List<ExperimentRecord> withSamples(Tx h, List<Stored> rows) {
    Map<String, StepSampleRepository.Ref> refs = new HashMap<>();
    for (Stored row : rows) {
      remember(h, row);
      Experiment e = row.record().experiment();
      refs.put(e.id(), new StepSampleRepository.Ref(e.revision(), row.journal()));
    }
    Map<String, StepEvidence> loaded = samples.loadAll(h, refs);
    Map<String, StepEvidence> judged = judgedSamples(h, rows);
    return rows.stream()
        .map(
            row ->
                attach(
                    row,
                    row.journal().legacy()
                        ? (row.legacy() == null ? StepEvidence.EMPTY : row.legacy())
                        : loaded.get(row.record().experiment().id()),
                    judged.get(row.record().experiment().id())))
        .toList();
  }

  /**
   * The samples judged by the drafts of {@code rows} stored by reference before windows appended
   * after them: as this replica wrote them, or replayed from the journal's prefix (one query).
   */
  private Map<String, StepEvidence> judgedSamples(Tx h, List<Stored> rows) {
    Map<String, StepEvidence> out = new HashMap<>();
    Map<String, StepSampleRepository.Journal> prefixes = new HashMap<>();
    for (Stored row : rows) {
      if (row.draft() == null || row.draft().unjudged() == 0) {
        continue;
      }
      String id = row.record().experiment().id();
      if (row.judged() != null) {
        out.put(id, row.judged());
      } else {
        StepSampleRepository.Journal j = row.journal();
        long judgedTo = row.judgmentTo() - row.draft().unjudged();
        if (j.legacy() || judgedTo < j.from()) {
          throw new IllegalStateException(
              "stored draft judgment of experiment "
                  + id
                  + " leaves out "
                  + row.draft().unjudged()
                  + " journal rows, more than its step's "
                  + (j.to() - j.from()));
        }
        prefixes.put(id, new StepSampleRepository.Journal(j.from(), judgedTo, j.token()));
      }
    }
    out.putAll(samples.loadRanges(h, prefixes));
    return out;
  }

  private static ExperimentRecord attach(Stored row, StepEvidence evidence, StepEvidence judged) {
    ExperimentRecord r = row.record();
    Experiment e = r.experiment();
    Experiment loaded =
        with(
            e,
            e.progress().withSamples(evidence),
            e.submittedAt(),
            e.stepEnteredAt(),
            e.lastWindowAt());
    if (row.draft() != null) {
      loaded = loaded.withLastJudgment(DraftReference.resolve(row.draft(), loaded, judged));
    }
    return new ExperimentRecord(
        loaded, r.submittedBy(), r.origin(), r.updatedAt(), r.router(), r.quarantineShape());
  }

  /**
   * {@code e} as its row reads back: progress without samples, column times in microseconds (the
   * JSON columns keep theirs whole).
   */
  private static Experiment stored(Experiment e) {
    return with(
        e,
        e.progress().withoutSamples(),
        microsOf(e.submittedAt()),
        microsOf(e.stepEnteredAt()),
        microsOf(e.lastWindowAt()));
  }

  private static Instant microsOf(Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  private static Experiment with(
      Experiment e,
      StepProgress progress,
      Instant submittedAt,
      Instant stepEnteredAt,
      Instant lastWindowAt) {
    return new Experiment(
        e.id(),
        e.service(),
        e.namespace(),
        e.candidate(),
        e.policy(),
        e.phase(),
        e.stepIndex(),
        progress,
        // As decided: a draft stays one (its text is written when read).
        e.judgmentAsDecided(),
        e.productionVersion(),
        e.revision(),
        submittedAt,
        stepEnteredAt,
        lastWindowAt,
        e.silent(),
        e.actuation());
  }

  private static Stored map(ResultSet rs, StatementContext ctx) throws SQLException {
    StepProgress progress = ProgressCodec.read(rs.getString("progress"));
    String judgment = rs.getString("last_judgment");
    // A draft stored by reference is rebuilt once the samples are attached.
    DraftReference.Ref draft =
        DraftReference.isReference(judgment) ? DraftReference.read(judgment) : null;
    Experiment e =
        new Experiment(
            rs.getString("id"),
            rs.getString("service"),
            rs.getString("namespace"),
            new Candidate(rs.getString("candidate_version"), rs.getString("candidate_image")),
            StateJson.read(rs.getString("policy"), Policy.class),
            Phase.valueOf(rs.getString("phase")),
            rs.getInt("step_index"),
            progress.withoutSamples(),
            draft == null ? StateJson.read(judgment, Judgment.class) : null,
            rs.getString("production_version"),
            rs.getLong("version"),
            instant(rs, "submitted_at"),
            instant(rs, "step_entered_at"),
            instant(rs, "last_window_at"),
            rs.getBoolean("silent"),
            StateJson.read(rs.getString("actuation"), Actuation.class));
    return new Stored(
        new ExperimentRecord(
            e,
            rs.getString("submitted_by"),
            rs.getString("origin"),
            instant(rs, "updated_at"),
            rs.getString("router"),
            rs.getString("quarantine_shape")),
        new StepSampleRepository.Journal(
            rs.getLong("samples_from"), rs.getLong("samples_to"), rs.getLong("samples_token")),
        progress.evidence(),
        null,
        draft,
        null,
        rs.getLong("row_version"),
        rs.getLong("judgment_to"));
  }
}
