package dev.aegis.orchestrator.production.guard;

import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.production.guard.GuardState.Breach;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Production (V2) auto-remediation, pure: state + a stable-track window of the production version →
 * next state + actions with their evidence. No I/O, no clock: durations are on the windows' event
 * time, so a recorded stream replays identically.
 *
 * <p>It never flaps: a signal enters breach above its high mark and leaves it only below its low
 * mark; an action needs the breach to last its {@code for} duration; scale-ups are a cooldown apart
 * and stop at the replica ceiling; a rollback happens once per cooldown (the rolled-back version is
 * gone from production).
 */
public final class ProductionGuard {

  private final GuardPolicy policy;

  public ProductionGuard(GuardPolicy policy) {
    this.policy = policy;
  }

  /** The guard's answer to one window: the next state and what to do (often nothing). */
  public record Decision(GuardState state, List<GuardAction> actions) {}

  /**
   * @param window a stable-track window of the service's production version
   * @param replicas the stable Deployment's replica count now (for scale-ups)
   */
  public Decision observe(GuardState state, HealthWindow window, int replicas) {
    if (window.track() != HealthWindow.Track.STABLE || window.requests() < policy.minRequests()) {
      return new Decision(state, List.of());
    }
    Instant at = window.windowEnd();
    double errorRate = (double) window.errors() / window.requests();
    Breach errors = track(state.errorRate(), errorRate, policy.errorRate(), at);
    Breach p95 = track(state.p95(), window.p95Ms(), policy.p95Ms(), at);
    Breach cpu =
        window.cpuUtilization() == null
            ? state.cpu()
            : track(state.cpu(), window.cpuUtilization(), policy.cpu(), at);
    List<GuardAction> actions = new ArrayList<>();
    Instant lastRollback = state.lastRollbackAt();
    Instant lastScale = state.lastScaleAt();

    if (sustained(errors, policy.errorRateFor(), at)
        && cooledDown(lastRollback, policy.rollbackCooldown(), at)) {
      actions.add(
          new GuardAction.RollBack(
              window.service(),
              window.version(),
              evidence(
                  "error-rate",
                  errorRate,
                  policy.errorRate().high(),
                  errors,
                  policy.errorRateFor(),
                  at,
                  percent(errorRate)
                      + " errors > "
                      + percent(policy.errorRate().high())
                      + " for "
                      + seconds(errors, at)
                      + " s (required "
                      + policy.errorRateFor().toSeconds()
                      + " s): roll production back to the previous V2 and "
                      + "quarantine "
                      + window.version())));
      lastRollback = at;
      errors = null; // the version is leaving production; its breach is settled
    } else {
      boolean slow = sustained(p95, policy.p95For(), at);
      boolean busy = sustained(cpu, policy.cpuFor(), at);
      if ((slow || busy)
          && cooledDown(lastScale, policy.scaleCooldown(), at)
          && replicas < policy.maxReplicas()) {
        int to =
            Math.min(
                policy.maxReplicas(),
                Math.max(replicas + 1, (int) Math.ceil(replicas * policy.scaleUpFactor())));
        GuardAction.Evidence why =
            slow
                ? evidence(
                    "p95-latency",
                    window.p95Ms(),
                    policy.p95Ms().high(),
                    p95,
                    policy.p95For(),
                    at,
                    String.format(
                        Locale.ROOT,
                        "p95 %.0f ms > %.0f ms for %d s: scale %d → %d replicas (ceiling %d)",
                        window.p95Ms(),
                        policy.p95Ms().high(),
                        seconds(p95, at),
                        replicas,
                        to,
                        policy.maxReplicas()))
                : evidence(
                    "cpu",
                    window.cpuUtilization(),
                    policy.cpu().high(),
                    cpu,
                    policy.cpuFor(),
                    at,
                    String.format(
                        Locale.ROOT,
                        "CPU %s > %s for %d s: scale %d → %d replicas (ceiling %d)",
                        percent(window.cpuUtilization()),
                        percent(policy.cpu().high()),
                        seconds(cpu, at),
                        replicas,
                        to,
                        policy.maxReplicas()));
        actions.add(new GuardAction.ScaleUp(window.service(), replicas, to, why));
        lastScale = at;
      }
    }
    return new Decision(new GuardState(errors, p95, cpu, lastScale, lastRollback), actions);
  }

  /** Enters breach above the high mark, stays in it until below the low mark. */
  private static Breach track(
      Breach current, double value, GuardPolicy.Threshold mark, Instant at) {
    if (current == null) {
      return value > mark.high() ? new Breach(at, 1, value) : null;
    }
    return value < mark.low() ? null : current.add(value);
  }

  private static boolean sustained(Breach breach, Duration required, Instant at) {
    return breach != null && Duration.between(breach.since(), at).compareTo(required) >= 0;
  }

  private static boolean cooledDown(Instant last, Duration cooldown, Instant at) {
    return last == null || Duration.between(last, at).compareTo(cooldown) >= 0;
  }

  private static GuardAction.Evidence evidence(
      String signal,
      double observed,
      double threshold,
      Breach breach,
      Duration required,
      Instant at,
      String summary) {
    return new GuardAction.Evidence(
        signal,
        observed,
        threshold,
        seconds(breach, at),
        required.toSeconds(),
        breach.windows(),
        summary,
        List.of(
            "worst "
                + signal
                + " during the breach: "
                + String.format(Locale.ROOT, "%.4f", breach.worst())));
  }

  private static long seconds(Breach breach, Instant at) {
    return Duration.between(breach.since(), at).toSeconds();
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }
}
