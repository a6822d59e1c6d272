package dev.aegis.orchestrator.retention;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the sweeper every interval on a thread of its own, the first time one interval after start
 * (a restart loop never turns into a sweep loop). A failed sweep is logged and retried at the next
 * interval.
 */
final class RetentionSchedule implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionSchedule.class);

  private final RetentionSweeper sweeper;
  private final Duration interval;
  private ScheduledExecutorService executor;

  RetentionSchedule(RetentionSweeper sweeper, Duration interval) {
    this.sweeper = sweeper;
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "aegis-retention");
      thread.setDaemon(true);
      return thread;
    });
    long every = interval.toMillis();
    executor.scheduleWithFixedDelay(this::sweepOnce, every, every, TimeUnit.MILLISECONDS);
  }

  private void sweepOnce() {
    try {
      sweeper.sweep();
    } catch (RuntimeException e) {
      LOG.warn("Retention sweep failed; retrying in {}: {}", interval, e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
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
