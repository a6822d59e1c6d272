package dev.aegis.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LiveStreamTickTest {

  private static long next(long readMillis) {
    return LiveStream.nextTickMillis(500, 15_000, TimeUnit.MILLISECONDS.toNanos(readMillis));
  }

  @Test
  @DisplayName("reads that take up to a tenth of the time keep the configured tick")
  void quickReadsKeepTheTick() {
    assertThat(next(0)).isEqualTo(500);
    assertThat(next(20)).isEqualTo(500);
    assertThat(next(55)).isEqualTo(500);
  }

  @Test
  @DisplayName("longer reads space the ticks so that reads take a tenth of the time")
  void slowReadsSpaceTheTicks() {
    assertThat(next(100)).isEqualTo(900);
    assertThat(next(550)).isEqualTo(4_950);
    assertThat(next(1_000)).isEqualTo(9_000);
  }

  @Test
  @DisplayName("never further apart than the heartbeat, nor closer than the tick when it is longer")
  void boundedByTheHeartbeat() {
    assertThat(next(5_000)).isEqualTo(15_000);
    assertThat(LiveStream.nextTickMillis(20_000, 15_000, TimeUnit.SECONDS.toNanos(5)))
        .as("a tick configured longer than the heartbeat stays as configured")
        .isEqualTo(20_000);
  }
}
