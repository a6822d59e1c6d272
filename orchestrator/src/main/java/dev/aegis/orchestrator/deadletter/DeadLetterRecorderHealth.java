package dev.aegis.orchestrator.deadletter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The dead-letter recorder's state for SREs: {@code /actuator/health/deadLetters} is {@code PARKED}
 * (HTTP 200; it is not part of readiness) while dead letters wait on the topic for the database,
 * with since when, the attempts and the last error; the gauges {@code
 * aegis_dead_letters_recorder_parked} (0 or 1) and {@code aegis_dead_letters_recorder_attempts}
 * follow it.
 */
public final class DeadLetterRecorderHealth implements HealthIndicator {

  public static final Status PARKED =
      new Status("PARKED", "dead letters wait on aegis.dlq until the database is back");

  private final DeadLetterRecorder recorder;

  public DeadLetterRecorderHealth(DeadLetterRecorder recorder, MeterRegistry metrics) {
    this.recorder = recorder;
    Gauge.builder("aegis.dead_letters.recorder.parked", recorder, r -> r.status().parked() ? 1 : 0)
        .description("1 while the dead-letter recorder waits for the database, else 0")
        .register(metrics);
    Gauge.builder("aegis.dead_letters.recorder.attempts", recorder, r -> r.status().attempts())
        .description("Failed attempts to record dead letters since the recorder parked")
        .register(metrics);
  }

  @Override
  public Health health() {
    DeadLetterRecorder.Status s = recorder.status();
    if (!s.parked()) {
      return Health.up().withDetail("state", "recording").build();
    }
    return Health.status(PARKED)
        .withDetail("state", "parked")
        .withDetail("parkedSince", s.parkedSince().toString())
        .withDetail("attempts", s.attempts())
        .withDetail("waitingAt", s.waitingAt())
        .withDetail("lastError", s.lastError())
        .build();
  }
}
