package dev.aegis.orchestrator.kubernetes;

import dev.aegis.operators.resource.ExperimentReconciler;
import dev.aegis.orchestrator.concurrent.DaemonThreads;
import dev.aegis.orchestrator.persistence.LeaderLock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@code Experiment}-resource reconciler on one replica at a time: the one holding the
 * reconciler's {@link LeaderLock}. Every {@code checkEvery} each replica asks the lock; the holder
 * starts a fresh reconciler, a replica that lost the lock (its database session ended) stops its
 * own. A replica that dies ends its session, so another takes over within one check. Two
 * reconcilers overlapping for a moment (a lost session noticed late) are harmless: a submission is
 * keyed by the resource's uid, and status updates carry the resource version.
 */
public final class LeaderElectedReconciler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(LeaderElectedReconciler.class);

  private final LeaderLock lock;
  private final Supplier<ExperimentReconciler> reconcilers;
  private final Duration checkEvery;
  private ScheduledExecutorService executor;
  private ExperimentReconciler running;

  public LeaderElectedReconciler(
      LeaderLock lock, Supplier<ExperimentReconciler> reconcilers, Duration checkEvery) {
    this.lock = lock;
    this.reconcilers = reconcilers;
    this.checkEvery = checkEvery;
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("aegis-reconciler-lead"));
    executor.scheduleWithFixedDelay(this::check, 0, checkEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One look at the lock: start or stop the reconciler to match it. */
  synchronized void check() {
    try {
      boolean leads = lock.holds();
      if (leads && running == null) {
        log.info("leading the Experiment-resource reconciler");
        running = reconcilers.get();
        running.start();
      } else if (!leads && running != null) {
        log.warn("lost the lead of the Experiment-resource reconciler; stopping it here");
        stopReconciler();
      }
    } catch (RuntimeException e) {
      log.warn("reconciler lead check failed; trying again in {}", checkEvery, e);
      stopReconciler();
      lock.close();
    }
  }

  /** Whether this replica runs the reconciler now. */
  public synchronized boolean leads() {
    return running != null;
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
    stopReconciler();
    lock.close();
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }

  private void stopReconciler() {
    if (running != null) {
      try {
        running.close();
      } finally {
        running = null;
      }
    }
  }
}
