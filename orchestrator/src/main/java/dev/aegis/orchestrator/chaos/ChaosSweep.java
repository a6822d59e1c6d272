package dev.aegis.orchestrator.chaos;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reverts expired faults every interval, the first time right at start: a fault whose deadline passed while
 * Aegis was down comes off the cluster as soon as Aegis is back. A failed sweep is logged and retried.
 */
final class ChaosSweep implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ChaosSweep.class);

  private final ChaosService chaos;
  private final Duration interval;
  private ScheduledExecutorService executor;

  ChaosSweep(ChaosService chaos, Duration interval) {
    this.chaos = chaos;
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "aegis-chaos-sweeper");
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(this::sweepOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sweepOnce() {
    try {
      int reverted = chaos.sweep();
      if (reverted > 0) {
        log.info("chaos sweeper reverted {} expired faults", reverted);
      }
    } catch (RuntimeException e) {
      log.warn("chaos sweep failed; retrying in {}: {}", interval, e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }

  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 200; // after the outbox relay, which publishes the cleared events
  }
}
