package dev.aegis.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A relay's passes: at the interval, and at once when woken. */
class PeriodicTaskTest {

  /** Longer than any test: a pass these tests see was asked for by {@link PeriodicTask#wake}. */
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  @DisplayName("woken, a task runs a pass at once instead of at its interval")
  void wakeRunsAPassNow() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    PeriodicTask task = PeriodicTask.every("test-wake", HOUR, ran::countDown);
    task.start();
    try {
      task.wake();
      assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      task.stop();
    }
  }

  @Test
  @DisplayName(
      "wake-ups while a pass runs come to one more pass after it, not one per wake-up, and it starts"
          + " after the running pass")
  void wakeUpsCoalesce() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    AtomicInteger passes = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlapping = new AtomicInteger();
    PeriodicTask task =
        PeriodicTask.every(
            "test-coalesce",
            HOUR,
            () -> {
              if (running.incrementAndGet() > 1) {
                overlapping.incrementAndGet();
              }
              int n = passes.incrementAndGet();
              if (n == 1) {
                firstStarted.countDown();
                await(release);
              } else {
                secondDone.countDown();
              }
              running.decrementAndGet();
            });
    task.start();
    try {
      task.wake();
      assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 50; i++) {
        task.wake();
      }
      release.countDown();
      assertThat(secondDone.await(30, TimeUnit.SECONDS)).isTrue();
      // A third pass would have to be asked for after the second started; none was.
      task.stop();
      assertThat(passes).hasValue(2);
      assertThat(overlapping).hasValue(0);
    } finally {
      release.countDown();
      task.stop();
    }
  }

  @Test
  @DisplayName("waking a task that is not started, or stopped, runs nothing and throws nothing")
  void wakeOutsideStartAndStopDoesNothing() {
    AtomicInteger passes = new AtomicInteger();
    PeriodicTask task = PeriodicTask.every("test-idle", HOUR, passes::incrementAndGet);
    task.wake();
    task.start();
    task.stop();
    task.wake();
    assertThat(passes).hasValue(0);
    assertThat(task.isRunning()).isFalse();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
