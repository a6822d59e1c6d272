package dev.aegis.orchestrator.production.guard;

import java.time.Duration;

/**
 * How production (V2) is guarded. Each signal breaches above its {@code high} mark and recovers
 * only below its {@code low} mark (hysteresis); an action needs the breach to last {@code for} (on
 * event time); actions of one kind are {@code cooldown} apart; replicas never go above {@code
 * maxReplicas}.
 *
 * <p>Seed defaults (DESIGN.md): error rate &gt; 5% for 5 min → roll back to the previous V2 and
 * quarantine the bad version; p95 &gt; 10 s → scale up; CPU &gt; 90% → scale up.
 */
public record GuardPolicy(
    Threshold errorRate,
    Duration errorRateFor,
    Threshold p95Ms,
    Duration p95For,
    Threshold cpu,
    Duration cpuFor,
    double scaleUpFactor,
    int maxReplicas,
    Duration scaleCooldown,
    Duration rollbackCooldown,
    long minRequests) {

  /** A signal's breach mark and the lower mark it must fall below to count as recovered. */
  public record Threshold(double high, double low) {
    public Threshold {
      if (low > high) {
        throw new IllegalArgumentException("low mark " + low + " is above high mark " + high);
      }
    }
  }

  public static GuardPolicy defaults() {
    return new GuardPolicy(
        new Threshold(0.05, 0.03),
        Duration.ofMinutes(5),
        new Threshold(10_000, 6_000),
        Duration.ofMinutes(2),
        new Threshold(0.90, 0.75),
        Duration.ofMinutes(2),
        1.5,
        20,
        Duration.ofMinutes(10),
        Duration.ofMinutes(30),
        100);
  }
}
