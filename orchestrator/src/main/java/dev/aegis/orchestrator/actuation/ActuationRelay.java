package dev.aegis.orchestrator.actuation;

import dev.aegis.operators.actuation.ActuationResult;
import dev.aegis.operators.actuation.Actuator;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.concurrent.DaemonThreads;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.LifecycleInput.ActuationOutcome;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository.Entry;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the outbox's actuation commands through the {@link Actuator} port and feeds each
 * result back into the lifecycle core as an {@link LifecycleInput.ActuationReport}.
 *
 * <p>A command is leased in a short transaction ({@code FOR UPDATE SKIP LOCKED}, then a lease
 * time), carried out with no transaction open, and its result recorded in a second transaction
 * together with the core's decision on it. While a worker holds it, the lease is renewed every
 * third of its length, so a call with all its retries keeps it however long it takes, and a replica
 * that dies mid-call (or whose renewals fail) gives its command up within one lease ({@code
 * aegis.kubernetes.lease}, 15 s by default). Several relay threads or replicas never carry out one
 * command at the same time; one that dies mid-call leaves the command to be retried after the
 * lease, and the command id recorded on the cluster objects makes that retry change nothing twice.
 * One whose lease lapses (a paused process, a database it cannot reach to renew) or is taken over
 * writes no object after the lease's end, less a tenth of it for clock differences: the actuator
 * asks before each write, once the object is read, and the write carries that read's
 * resourceVersion. Otherwise it could write over a later command of the service, which runs once
 * another relay has settled this one.
 *
 * <p>Commands of different services run at the same time, on up to {@link Settings#concurrency()}
 * worker threads; one service's commands never overtake each other. The lease hands out only the
 * oldest pending command of each service ({@link OutboxRepository#leaseDueActuations}), so the next
 * one is leased only once the one before it is settled, by this relay or another; within one leased
 * batch the commands of a service (by outbox key) run in order on one worker all the same. A
 * command is leased only when a worker is free to start it at once, so its lease covers its own
 * call, not a queue in front of it.
 *
 * <p>Outcomes: applied → DONE; deferred (API down, breaker open) → stays PENDING with exponential
 * backoff, the experiment shows "actuation pending"; rejected → BLOCKED with its reason, except a
 * rollback, which is never given up: it stays pending, and the core raises the alarm on it.
 *
 * <p>{@link #close()} stops leasing, lets the running commands finish (up to {@value
 * #SHUTDOWN_GRACE_SECONDS} s, then interrupts them) and ends the workers; a command leased but not
 * settled stays PENDING and is carried out after its lease, by this replica's successor or another.
 * A closed relay carries out nothing more.
 */
public class ActuationRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ActuationRelay.class);

  static final long SHUTDOWN_GRACE_SECONDS = 10;

  private final Transactions transactions;
  private final OutboxRepository outbox;
  private final ExperimentRepository experiments;
  private final AuditRepository audit;
  private final LifecycleService lifecycle;
  private final Actuator actuator;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final Settings settings;
  private final ExecutorService workers;

  /** Renews the leases of {@link #held} every third of the lease. */
  private final ScheduledExecutorService renewer;

  /** The commands this relay has leased and not yet settled or given up. */
  private final Set<Lease> held = ConcurrentHashMap.newKeySet();

  /**
   * Guards {@link #running}, {@link #finished} and {@link #woken}; signalled when a worker ends its
   * commands, and by {@link #wake}.
   */
  private final Object monitor = new Object();

  private int running;
  private long finished;

  /** How often {@link #wake} was called: new commands committed since a pass last looked. */
  private long woken;

  private volatile boolean closed;

  /**
   * @param concurrency how many services' commands are carried out at the same time (worker
   *     threads)
   * @param lease how long a claimed command is kept from other relays without a renewal; renewed
   *     every third of it while a worker holds the command, so it bounds how long the command of a
   *     replica that died waits for another, not how long a call may take
   * @param retryBackoff first delay before a deferred command is tried again; doubles up to {@code
   *     maxBackoff}
   * @param pollInterval how often a pass looks for due commands while some are still running
   */
  public record Settings(
      int concurrency,
      Duration lease,
      Duration retryBackoff,
      Duration maxBackoff,
      Duration pollInterval) {
    public Settings {
      if (concurrency < 1) {
        throw new IllegalArgumentException(
            "actuation concurrency must be at least 1, was " + concurrency);
      }
    }
  }

  public ActuationRelay(
      Transactions transactions,
      OutboxRepository outbox,
      ExperimentRepository experiments,
      AuditRepository audit,
      LifecycleService lifecycle,
      Actuator actuator,
      MeterRegistry metrics,
      Clock clock,
      Settings settings) {
    this.transactions = transactions;
    this.outbox = outbox;
    this.experiments = experiments;
    this.audit = audit;
    this.lifecycle = lifecycle;
    this.actuator = actuator;
    this.metrics = metrics;
    this.clock = clock;
    this.settings = settings;
    this.workers =
        Executors.newFixedThreadPool(
            settings.concurrency(), DaemonThreads.numbered("aegis-actuation"));
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("aegis-actuation-lease"));
    long every = Math.max(1, settings.lease().toMillis() / 3);
    renewer.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * A command this relay holds: until when, renewed while a worker has it; lost once a renewal
   * finds the row moved on (another relay took the command over after the lease lapsed). The lock
   * keeps a renewal and the recording of the command's result apart, so the result is recorded
   * under the lease the row carries.
   */
  private static final class Lease {
    final String commandId;
    final ReentrantLock lock = new ReentrantLock();
    volatile Instant until;
    volatile boolean lost;

    Lease(String commandId, Instant until) {
      this.commandId = commandId;
      this.until = until;
    }

    /** Whether an object may be written at {@code now}, {@code margin} before the lease's end. */
    boolean mayWrite(Instant now, Duration margin) {
      return !lost && now.isBefore(until.minus(margin));
    }
  }

  /**
   * Extends the lease of every command held to a full lease from now, each in a short transaction
   * of its own. A command whose result is being recorded is skipped (the recording ends its lease);
   * one whose row no longer carries this relay's lease is lost, and its worker writes nothing more.
   * A renewal that fails (the database out of reach) is tried again at the next round; should the
   * lease run out meanwhile, the worker stops writing as if it had lapsed.
   */
  void renewLeases() {
    for (Lease lease : held) {
      if (!lease.lock.tryLock()) {
        continue;
      }
      try {
        if (lease.lost || !held.contains(lease)) {
          continue;
        }
        Instant until = clock.instant().plus(settings.lease()).truncatedTo(ChronoUnit.MICROS);
        if (!until.isAfter(lease.until)) {
          continue;
        }
        Instant from = lease.until;
        if (transactions.inTransaction(h -> outbox.renewLease(h, lease.commandId, from, until))) {
          lease.until = until;
          metrics.counter("aegis.actuation.lease.renewals", "outcome", "renewed").increment();
        } else {
          lease.lost = true;
          metrics.counter("aegis.actuation.lease.renewals", "outcome", "lost").increment();
          log.warn(
              "lease on actuation command {} was taken over by another relay; this one writes"
                  + " nothing more for it",
              lease.commandId);
        }
      } catch (RuntimeException e) {
        metrics.counter("aegis.actuation.lease.renewals", "outcome", "failed").increment();
        log.warn(
            "could not renew the lease on actuation command {} (held until {}): {}",
            lease.commandId,
            lease.until,
            e.toString());
      } finally {
        lease.lock.unlock();
      }
    }
  }

  /**
   * Carries out every due command, as many services at a time as there are workers, and returns
   * once none is due and all it started are settled; returns how many it leased. Commands that
   * become due meanwhile (the next of a service whose command just settled) are carried out in the
   * same pass.
   */
  public synchronized int drain() {
    int total = 0;
    try {
      while (!closed) {
        int free;
        long finishedBefore;
        long wokenBefore;
        synchronized (monitor) {
          while (running == settings.concurrency() && !closed) {
            monitor.wait(settings.pollInterval().toMillis());
          }
          if (closed) {
            break;
          }
          free = settings.concurrency() - running;
          finishedBefore = finished;
          wokenBefore = woken;
        }
        Batch leased = lease(free);
        total += leased.entries().size();
        if (!leased.entries().isEmpty()) {
          start(leased);
          continue;
        }
        synchronized (monitor) {
          // A command that settled after this lease looked may have made the next of its service
          // due, and a command committed since may be due: then look again at once.
          if (finished == finishedBefore && woken == wokenBefore) {
            if (running == 0) {
              break;
            }
            // Nothing due while others run: look again when one ends, when new commands are
            // committed, or after the interval.
            monitor.wait(settings.pollInterval().toMillis());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return total;
  }

  /**
   * Tells a pass that waits for its running commands that new ones were committed, so that it
   * leases them at once rather than at its next interval. A pass that is not running is started by
   * its {@link dev.aegis.orchestrator.config.PeriodicTask#wake}.
   */
  public void wake() {
    synchronized (monitor) {
      woken++;
      monitor.notifyAll();
    }
  }

  /** Commands leased together, until {@code leaseUntil}. */
  private record Batch(List<Entry> entries, Instant leaseUntil) {}

  private Batch lease(int limit) {
    Instant now = clock.instant();
    // PostgreSQL keeps microseconds: the lease must compare equal when read back.
    Instant leaseUntil = now.plus(settings.lease()).truncatedTo(ChronoUnit.MICROS);
    return new Batch(
        transactions.inTransaction(h -> outbox.leaseDueActuations(h, now, leaseUntil, limit)),
        leaseUntil);
  }

  /**
   * Hands each service's commands of {@code batch} to a worker of its own; they are fewer than the
   * free workers, as the batch is.
   */
  private void start(Batch batch) {
    Map<String, List<Entry>> byService = new LinkedHashMap<>();
    for (Entry entry : batch.entries()) {
      byService.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add(entry);
    }
    for (List<Entry> commands : byService.values()) {
      List<Lease> leases = new ArrayList<>(commands.size());
      for (Entry entry : commands) {
        Lease lease = new Lease(entry.id(), batch.leaseUntil());
        leases.add(lease);
        held.add(lease);
      }
      synchronized (monitor) {
        running++;
      }
      try {
        workers.execute(() -> carryOutInOrder(commands, leases));
      } catch (RejectedExecutionException e) {
        held.removeAll(leases);
        ended();
        log.info(
            "relay closing: {} leased command(s) are carried out after their lease",
            commands.size());
      }
    }
  }

  /**
   * On a worker: one service's commands, one after the other. A command that could not be settled
   * stops the rest, which would otherwise overtake it; all of them are carried out after the lease.
   */
  private void carryOutInOrder(List<Entry> commands, List<Lease> leases) {
    try {
      for (int i = 0; i < commands.size(); i++) {
        Entry entry = commands.get(i);
        if (closed && i > 0) {
          return;
        }
        try {
          carryOut(entry, leases.get(i));
        } catch (RuntimeException e) {
          log.warn(
              "actuation command {} not settled; it is carried out after its lease: {}",
              entry.id(),
              e.toString());
          return;
        }
      }
    } finally {
      // What was not settled is given up: its lease runs out, and another pass carries it out.
      held.removeAll(leases);
      ended();
    }
  }

  private void ended() {
    synchronized (monitor) {
      running--;
      finished++;
      monitor.notifyAll();
    }
  }

  /**
   * Stops leasing, lets the running commands finish (up to {@value #SHUTDOWN_GRACE_SECONDS} s, then
   * interrupts them) and ends the workers. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (monitor) {
      monitor.notifyAll();
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
        log.warn(
            "actuation commands still running after {} s are interrupted; they are carried out "
                + "after their lease",
            SHUTDOWN_GRACE_SECONDS);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      // Renewed while the running commands had their grace; what is still held now lapses within
      // one lease, and the writes of a worker that has not stopped yet stop with it.
      renewer.shutdownNow();
    }
  }

  private void carryOut(Entry entry, Lease lease) {
    try (LogIdentity ignored = LogIdentity.of(null, entry.experimentId(), entry.id(), null)) {
      carryOutIdentified(entry, lease);
    }
  }

  private void carryOutIdentified(Entry entry, Lease lease) {
    Command command;
    ExperimentRecord experiment;
    try {
      command = CommandMapper.read(entry.type(), entry.payload());
      experiment =
          command instanceof Command.ForExperiment
              ? transactions
                  .withHandle(h -> experiments.find(h, entry.experimentId()))
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "experiment " + entry.experimentId() + " does not exist"))
              : null;
    } catch (RuntimeException e) {
      settling(
          lease,
          () -> {
            rejectUnreadable(entry, e);
            return null;
          });
      return;
    }
    // Each object is written only while the lease is held, with a tenth of it to spare for the
    // clocks of the replicas that compare it: a relay whose lease lapsed or was taken over stops
    // before writing over what the command's new holder, or a later command of the service, wrote
    // since.
    Duration margin = settings.lease().dividedBy(10);
    ActuationResult result =
        actuator.apply(
            CommandMapper.toCluster(command, experiment),
            () -> lease.mayWrite(clock.instant(), margin));
    boolean recorded = settling(lease, () -> record(entry, command, result, lease));
    count(command.kind().wire(), result, recorded);
  }

  /**
   * Settles a command under its lease's lock, so that no renewal runs meanwhile, and stops renewing
   * the lease: settled, the row no longer carries it, and a renewal would call it lost.
   */
  private <T> T settling(Lease lease, Supplier<T> settle) {
    lease.lock.lock();
    try {
      return settle.get();
    } finally {
      held.remove(lease);
      lease.lock.unlock();
    }
  }

  /**
   * Records {@code result} with the core's decision on it, in one transaction, if the row still
   * carries {@code lease}; false when another relay took the command over.
   */
  private boolean record(Entry entry, Command command, ActuationResult result, Lease lease) {
    return transactions.inTransaction(
        h -> {
          Instant now = clock.instant();
          if (lease.lost || !outbox.holdsLease(h, entry.id(), lease.until)) {
            return false;
          }
          // A rollback is never given up: rejected, it stays pending (with backoff) and the
          // core raises the alarm.
          Outcome outcome =
              settle(h, entry, result, command instanceof Command.RollBackCandidate, now);
          if (command instanceof Command.ForExperiment) {
            lifecycle.apply(
                h,
                entry.experimentId(),
                new LifecycleInput.ActuationReport(
                    command.id(), command.kind().wire(), outcome.outcome(), outcome.detail()),
                LifecycleService.Cause.actuation(command.id()),
                now);
          } else if (outcome.outcome() != ActuationOutcome.DEFERRED) {
            // A command on a service's production workload has no experiment to report to: the
            // audit log says how it went.
            audit.record(
                h,
                "aegis",
                "service.actuation",
                command.service(),
                Map.of(
                    "command",
                    command.id(),
                    "kind",
                    command.kind().wire(),
                    "outcome",
                    outcome.outcome().name(),
                    "detail",
                    outcome.detail()),
                now);
          }
          return true;
        });
  }

  private record Outcome(ActuationOutcome outcome, String detail) {}

  /**
   * Marks the outbox row after a result: DONE, PENDING with backoff, or BLOCKED (unless {@code
   * neverGiveUp}).
   */
  private Outcome settle(
      Tx h, Entry entry, ActuationResult result, boolean neverGiveUp, Instant now) {
    if (result instanceof ActuationResult.Applied applied) {
      outbox.markDone(h, List.of(entry.id()), now);
      return new Outcome(
          ActuationOutcome.APPLIED,
          applied.alreadyApplied() ? "already applied: " + applied.detail() : applied.detail());
    }
    if (result instanceof ActuationResult.Rejected rejected) {
      if (neverGiveUp) {
        outbox.markFailed(
            h, entry.id(), "rejected: " + rejected.reason(), now.plus(backoff(entry.attempts())));
      } else {
        outbox.markRejected(h, entry.id(), rejected.reason(), now);
      }
      return new Outcome(ActuationOutcome.REJECTED, rejected.reason());
    }
    String reason = ((ActuationResult.Deferred) result).reason();
    outbox.markFailed(h, entry.id(), reason, now.plus(backoff(entry.attempts())));
    return new Outcome(ActuationOutcome.DEFERRED, reason);
  }

  private void rejectUnreadable(Entry entry, RuntimeException e) {
    log.error("actuation command {} cannot be read: {}", entry.id(), e.toString());
    transactions.useHandle(
        h ->
            outbox.markRejected(
                h, entry.id(), "unreadable command: " + e.getMessage(), clock.instant()));
  }

  /**
   * Counts a result once it is recorded. A result is not recorded when this relay's lease ran out
   * during the call and another relay took the command over: that relay's result stands, the
   * cluster saw the command id twice and changed nothing the second time.
   */
  private void count(String kind, ActuationResult result, boolean recorded) {
    if (!recorded) {
      log.warn("lease on {} command ran out during the call; another relay carries it out", kind);
      metrics.counter("aegis.actuation.lease.lost").increment();
      return;
    }
    metrics
        .counter(
            "aegis.actuation.results", "command", kind, "outcome", outcomeTag(result.getClass()))
        .increment();
  }

  /**
   * The {@code outcome} tag of {@code aegis.actuation.results} for a result of {@code type}: its
   * simple name in lower case ({@code applied}, {@code rejected}, {@code deferred}).
   */
  public static String outcomeTag(Class<?> type) {
    return type.getSimpleName().toLowerCase(Locale.ROOT);
  }

  /** Every {@code outcome} tag of {@code aegis.actuation.results}, one per kind of result. */
  public static List<String> outcomeTags() {
    return Arrays.stream(ActuationResult.class.getPermittedSubclasses())
        .map(ActuationRelay::outcomeTag)
        .toList();
  }

  private Duration backoff(int attemptsSoFar) {
    long factor = 1L << Math.min(20, Math.max(0, attemptsSoFar));
    Duration next = settings.retryBackoff().multipliedBy(factor);
    return next.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : next;
  }
}
