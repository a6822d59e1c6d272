package dev.aegis.orchestrator.config;

import dev.aegis.orchestrator.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background pass run on a thread of its own from start to stop of the context: the relays, the
 * silence watch, the retention sweeper, the chaos sweeper. A pass that throws is logged and the
 * next one runs at the next interval. Stopping lets a running pass finish (up to 10 s) rather than
 * interrupting it mid-transaction.
 */
public final class PeriodicTask implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

  private final String name;
  private final Duration initialDelay;
  private final Duration interval;
  private final Runnable task;

  /** Read by {@link #wake} without the lock, which {@link #stop} holds while a pass finishes. */
  private volatile ScheduledExecutorService executor;

  /** Whether a pass {@link #wake} asked for is still to start. */
  private final AtomicBoolean woken = new AtomicBoolean();

  /**
   * @param name the thread's name, also in the log line of a failed pass
   * @param initialDelay before the first pass: zero to run at start, or an interval so a restart
   *     loop never turns into a loop of passes
   */
  public PeriodicTask(String name, Duration initialDelay, Duration interval, Runnable task) {
    this.name = name;
    this.initialDelay = initialDelay;
    this.interval = interval;
    this.task = task;
  }

  /** The first pass one interval after start. */
  public static PeriodicTask every(String name, Duration interval, Runnable task) {
    return new PeriodicTask(name, interval, interval, task);
  }

  @Override
  public synchronized void start() {
    executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name));
    executor.scheduleWithFixedDelay(
        this::runOnce, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs a pass now, as well as at the interval: the relays' wake-up once a transaction that gave
   * them work commits. Wake-ups before a requested pass has started come to one pass; one during a
   * pass runs another after it, so work committed meanwhile is not left for the interval. Nothing
   * happens before start or after stop.
   */
  public void wake() {
    ScheduledExecutorService running = executor;
    if (running == null || !woken.compareAndSet(false, true)) {
      return;
    }
    try {
      running.execute(
          () -> {
            woken.set(false);
            runOnce();
          });
    } catch (RejectedExecutionException stopping) {
      woken.set(false);
    }
  }

  private void runOnce() {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("{} pass failed; retrying in {}: {}", name, interval, e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    if (executor == null) {
      return;
    }
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
