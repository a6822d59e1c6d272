package dev.aegis.orchestrator.readiness;

import dev.aegis.orchestrator.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * A readiness check that answers within {@code timeout} whatever the server does: the check runs on
 * a thread of its own, and a check still stuck from the last probe is reported down rather than
 * started again.
 */
public abstract class TimedCheck implements HealthIndicator, AutoCloseable {

  private final Duration timeout;
  private final ExecutorService thread;
  private CompletableFuture<String> running;

  protected TimedCheck(String name, Duration timeout) {
    this.timeout = timeout;
    this.thread = Executors.newSingleThreadExecutor(DaemonThreads.named("aegis-readiness-" + name));
  }

  /** Does the check; returns a detail to show; throws when the server is not usable. */
  protected abstract String check() throws Exception;

  @Override
  public Health health() {
    CompletableFuture<String> attempt;
    synchronized (this) {
      if (running != null && !running.isDone()) {
        return Health.down()
            .withDetail("error", "the previous check is still waiting for an answer")
            .build();
      }
      running =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return check();
                } catch (Exception e) {
                  throw new IllegalStateException(
                      e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
                }
              },
              thread);
      attempt = running;
    }
    try {
      return Health.up()
          .withDetail("checked", attempt.get(timeout.toMillis(), TimeUnit.MILLISECONDS))
          .build();
    } catch (TimeoutException e) {
      return Health.down().withDetail("error", "no answer within " + timeout).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down().withDetail("error", "interrupted").build();
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return Health.down().withDetail("error", String.valueOf(cause.getMessage())).build();
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
