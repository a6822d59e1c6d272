package dev.aegis.orchestrator.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.orchestrator.concurrent.DaemonThreads;
import dev.aegis.orchestrator.dashboard.LiveEvents.AuditEvent;
import dev.aegis.orchestrator.dashboard.LiveEvents.DeadLetterEvent;
import dev.aegis.orchestrator.dashboard.LiveEvents.Heartbeat;
import dev.aegis.orchestrator.dashboard.LiveEvents.Snapshot;
import dev.aegis.orchestrator.dashboard.LiveEvents.TransitionEvent;
import dev.aegis.orchestrator.persistence.ExperimentRepository.Stamp;
import dev.aegis.orchestrator.persistence.FeedRepository.Head;
import dev.aegis.orchestrator.persistence.FeedRepository.Table;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live stream behind {@code GET /api/v1/stream}. One ticker thread reads what changed since its
 * last tick (experiments by {@code updated_at}, new transitions, dead letters new or replayed, new
 * audit entries) and broadcasts each change as a typed event to every connected client; a new
 * client first gets a {@code snapshot}.
 *
 * <p>Why a ticker and not hooks in the write paths: the writers (batch processor, relays, REST)
 * stay unaware of the dashboard, several orchestrator replicas can share one database, and a tick
 * costs four indexed queries only while someone watches.
 *
 * <p>Threads: request threads only register an emitter. The ticker owns the cursors and builds
 * every event once; each client has a bounded queue drained by a sender thread, so a slow or stuck
 * client never holds up the ticker or the others, and is dropped when its queue overflows (its
 * browser reconnects and gets a snapshot).
 */
@Component
class LiveStream implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(LiveStream.class);
  private static final int READ_LIMIT = 1000;
  private static final int HEAD_WINDOW = 200;
  private static final MediaType UTF8_TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);
  private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

  /** One event, serialized once for every client. */
  record Frame(String name, String json) {}

  private final Transactions transactions;
  private final ChangeFeed feed;
  private final DashboardProperties properties;
  private final Clock clock;
  private final ObjectMapper json;
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final Object admission = new Object();

  private volatile boolean running;
  private ScheduledExecutorService ticker;
  private ExecutorService senders;

  // Owned by the ticker thread.
  private boolean primed;
  private final IdCursor transitions;
  private final IdCursor deadLetters;
  private final IdCursor audit;
  private final RecentChanges experimentStamps = new RecentChanges();
  private final RecentChanges replayStamps = new RecentChanges();
  private Instant experimentsSince = Instant.EPOCH;
  private Instant replaysSince = Instant.EPOCH;
  private Instant lastHeartbeat = Instant.EPOCH;
  private final LogGate spacingLog = new LogGate();
  private final LogGate failureLog = new LogGate();

  LiveStream(
      Transactions transactions,
      ChangeFeed feed,
      DashboardProperties properties,
      Clock clock,
      ObjectMapper json) {
    this.transactions = transactions;
    this.feed = feed;
    this.properties = properties;
    this.clock = clock;
    this.json = json;
    this.transitions = new IdCursor(0, properties.overlap());
    this.deadLetters = new IdCursor(0, properties.overlap());
    this.audit = new IdCursor(0, properties.overlap());
  }

  /**
   * Registers a new client and returns its emitter; its snapshot follows from the ticker thread.
   * Empty when {@code maxClients} streams are open already, or the application is stopping.
   */
  Optional<SseEmitter> subscribe() {
    return subscribe("");
  }

  /**
   * As {@link #subscribe()}, for {@code principal}: empty too when it has {@code maxPerPrincipal}
   * streams open.
   */
  Optional<SseEmitter> subscribe(String principal) {
    Client client;
    synchronized (admission) {
      if (!running
          || clients.size() >= properties.maxClients()
          || clients.stream().filter(c -> c.principal.equals(principal)).count()
              >= properties.maxPerPrincipal()) {
        return Optional.empty();
      }
      client = new Client(new SseEmitter(properties.emitterTimeout().toMillis()), principal);
      clients.add(client);
    }
    SseEmitter emitter = client.emitter;
    emitter.onCompletion(() -> client.close(false));
    emitter.onTimeout(() -> client.close(true));
    emitter.onError(e -> client.close(false));
    try {
      ticker.execute(() -> welcome(client));
    } catch (RejectedExecutionException stopping) {
      client.close(true);
    }
    return Optional.of(emitter);
  }

  /** How many streams are open. */
  int clientCount() {
    return clients.size();
  }

  @Override
  public void start() {
    ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("aegis-stream-ticker"));
    senders = Executors.newCachedThreadPool(DaemonThreads.numbered("aegis-stream-send"));
    running = true;
    ticker.schedule(this::tickThenReschedule, tickMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    running = false;
    ticker.shutdownNow();
    List.copyOf(clients).forEach(c -> c.close(true));
    senders.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** The first event of a stream; primes the cursors when this is the only client. */
  private void welcome(Client client) {
    try {
      Instant now = clock.instant();
      Snapshot snapshot =
          transactions.withHandle(
              h -> {
                if (!primed) {
                  prime(h, now);
                }
                return new Snapshot(now, feed.snapshot(h, properties.snapshotSize()));
              });
      client.ready = true;
      client.offer(frame(LiveEvents.SNAPSHOT, snapshot));
    } catch (RuntimeException e) {
      logFailure("dashboard stream snapshot failed", e);
      client.close(true);
    }
  }

  private void prime(Tx h, Instant now) {
    prime(h, transitions, Table.TRANSITIONS);
    prime(h, deadLetters, Table.DEAD_LETTERS);
    prime(h, audit, Table.AUDIT);
    experimentStamps.clear();
    replayStamps.clear();
    experimentsSince = now;
    replaysSince = now;
    primed = true;
  }

  private void prime(Tx h, IdCursor cursor, Table table) {
    Head head = feed.head(h, table, HEAD_WINDOW);
    cursor.reset(head.from(), head.recentIds());
  }

  private long tickMillis() {
    return Math.max(50, properties.tick().toMillis());
  }

  /**
   * The share of the ticker's time that its reads may take: a tick whose reads took longer than
   * that (a database holding tens of thousands of running experiments, whose change feed reads each
   * one's newest state) puts the next tick off, so watching costs the database at most about this
   * share of one core, never a core.
   */
  static final double READ_SHARE = 0.1;

  /**
   * Milliseconds until the next tick, after one whose reads took {@code readNanos}: the configured
   * {@code tickMillis}, or longer so that reads take at most {@link #READ_SHARE} of the time, but
   * never longer than the heartbeat's interval (which tells clients the stream is alive).
   */
  static long nextTickMillis(long tickMillis, long heartbeatMillis, long readNanos) {
    double readMillis = readNanos / 1e6;
    long spaced = (long) Math.ceil(readMillis * (1 - READ_SHARE) / READ_SHARE);
    return Math.max(tickMillis, Math.min(spaced, Math.max(tickMillis, heartbeatMillis)));
  }

  private void tickThenReschedule() {
    long started = System.nanoTime();
    tick();
    long read = System.nanoTime() - started;
    long tick = tickMillis();
    long next = nextTickMillis(tick, properties.heartbeat().toMillis(), read);
    if (next > tick) {
      logSpacing(read, next, tick);
    }
    if (running) {
      try {
        ticker.schedule(this::tickThenReschedule, next, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopped) {
        // stop() shut the ticker down meanwhile
      }
    }
  }

  private void logSpacing(long readNanos, long nextMillis, long tickMillis) {
    if (spacingLog.due()) {
      log.info(
          "dashboard stream: reading what changed took {} ms; ticks spaced to {} ms so that reads"
              + " take at most {}% of the time (aegis.dashboard.tick is {} ms)",
          TimeUnit.NANOSECONDS.toMillis(readNanos),
          nextMillis,
          Math.round(READ_SHARE * 100),
          tickMillis);
    }
  }

  private void tick() {
    try {
      if (clients.isEmpty()) {
        primed = false; // nobody watches: no queries; the next client primes again
        return;
      }
      Instant now = clock.instant();
      if (primed) {
        transactions.useHandle(h -> changes(h, now).forEach(this::broadcast));
      }
      if (!now.isBefore(lastHeartbeat.plus(properties.heartbeat()))) {
        lastHeartbeat = now;
        broadcast(frame(LiveEvents.HEARTBEAT, new Heartbeat(now, clients.size())));
      }
    } catch (RuntimeException e) {
      logFailure("dashboard stream tick failed (retried next tick)", e);
    }
  }

  private List<Frame> changes(Tx h, Instant now) {
    List<Frame> out = new ArrayList<>();
    Duration overlap = properties.overlap();

    List<String> changed = new ArrayList<>();
    for (Stamp s : feed.experimentsUpdatedAfter(h, experimentsSince.minus(overlap), READ_LIMIT)) {
      if (experimentStamps.changed(s.id(), s.revision() + "@" + s.updatedAt(), s.updatedAt())) {
        changed.add(s.id());
      }
      experimentsSince = later(experimentsSince, s.updatedAt());
    }
    experimentStamps.prune(experimentsSince.minus(overlap));
    feed.summaries(h, changed).forEach(s -> out.add(frame(LiveEvents.EXPERIMENT, s)));

    for (TransitionEvent t : feed.transitionsAfter(h, transitions.after(), READ_LIMIT)) {
      if (transitions.admit(t.id())) {
        out.add(frame(LiveEvents.TRANSITION, t));
      }
    }
    transitions.advance(now);

    for (DeadLetterEvent d : feed.deadLettersAfter(h, deadLetters.after(), READ_LIMIT)) {
      if (deadLetters.admit(d.id())) {
        out.add(frame(LiveEvents.DEAD_LETTER, d));
      }
    }
    deadLetters.advance(now);
    for (DeadLetterEvent d :
        feed.deadLettersReplayedAfter(h, replaysSince.minus(overlap), READ_LIMIT)) {
      if (replayStamps.changed(Long.toString(d.id()), d.replayCount(), d.lastReplayedAt())) {
        out.add(frame(LiveEvents.DEAD_LETTER, d));
      }
      replaysSince = later(replaysSince, d.lastReplayedAt());
    }
    replayStamps.prune(replaysSince.minus(overlap));

    for (AuditEvent a : feed.auditAfter(h, audit.after(), READ_LIMIT)) {
      if (audit.admit(a.id())) {
        out.add(frame(LiveEvents.AUDIT, a));
      }
    }
    audit.advance(now);
    return out;
  }

  private void broadcast(Frame frame) {
    for (Client c : clients) {
      if (c.ready) {
        c.offer(frame);
      }
    }
  }

  private Frame frame(String name, Object data) {
    try {
      return new Frame(name, json.writeValueAsString(data));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void logFailure(String what, RuntimeException e) {
    if (failureLog.due()) {
      log.warn("{}: {}", what, e.toString());
    }
  }

  /** A log line repeated at most once per {@link #LOG_INTERVAL}. */
  private final class LogGate {
    private Instant last = Instant.EPOCH;

    /** Whether the line is due now; if so, the next one is due an interval later. */
    boolean due() {
      Instant now = clock.instant();
      if (now.isBefore(last.plus(LOG_INTERVAL))) {
        return false;
      }
      last = now;
      return true;
    }
  }

  private static Instant later(Instant a, Instant b) {
    return b != null && b.isAfter(a) ? b : a;
  }

  /** One connected stream: its emitter and the events waiting to be written to it, in order. */
  private final class Client {
    final SseEmitter emitter;
    final String principal;

    /** Set by the ticker once the snapshot is queued; only then do broadcasts reach this client. */
    volatile boolean ready;

    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;

    Client(SseEmitter emitter, String principal) {
      this.emitter = emitter;
      this.principal = principal;
    }

    void offer(Frame frame) {
      boolean overflow;
      synchronized (this) {
        if (closed) {
          return;
        }
        overflow = queue.size() >= properties.maxQueuedEvents();
        if (!overflow) {
          queue.add(frame);
          if (draining) {
            return;
          }
          draining = true;
        }
      }
      if (overflow) {
        log.info(
            "dashboard stream client too slow ({} events waiting); disconnecting it",
            properties.maxQueuedEvents());
        close(true);
        return;
      }
      try {
        senders.execute(this::drain);
      } catch (RejectedExecutionException stopping) {
        close(true);
      }
    }

    private void drain() {
      while (true) {
        Frame next;
        synchronized (this) {
          next = closed ? null : queue.poll();
          if (next == null) {
            draining = false;
            return;
          }
        }
        try {
          emitter.send(SseEmitter.event().name(next.name()).data(next.json(), UTF8_TEXT));
        } catch (IOException | IllegalStateException gone) {
          close(false); // the container reports the broken connection and ends the request itself
          return;
        }
      }
    }

    /**
     * Forgets the client; {@code complete} ends the response from our side (timeout, overflow,
     * shutdown).
     */
    void close(boolean complete) {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        queue.clear();
      }
      clients.remove(this);
      if (complete) {
        try {
          emitter.complete();
        } catch (RuntimeException alreadyOver) {
          // the response ended meanwhile; nothing left to release
        }
      }
    }
  }
}
