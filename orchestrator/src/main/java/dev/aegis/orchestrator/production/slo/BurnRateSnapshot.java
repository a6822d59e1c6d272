package dev.aegis.orchestrator.production.slo;

import dev.aegis.orchestrator.judgment.HealthWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The current burn rates and alerts of one track, for gauges, the API and the dashboard.
 *
 * @param service the service
 * @param track the track
 * @param version the version of the newest window, or {@code null} before the first window
 * @param asOf the watermark (newest {@code windowEnd}) the windows end at, or {@code null} before
 *     the first window
 * @param objective the availability objective
 * @param windows one burn rate per window the rules use, shortest first
 * @param rules one status per rule, in the policy's order
 */
public record BurnRateSnapshot(
    String service,
    HealthWindow.Track track,
    String version,
    Instant asOf,
    double objective,
    List<BurnRate> windows,
    List<RuleStatus> rules) {

  public BurnRateSnapshot {
    windows = List.copyOf(windows);
    rules = List.copyOf(rules);
  }

  /** The burn rate over {@code window}. */
  public BurnRate window(Duration window) {
    return windows.stream()
        .filter(w -> w.window().equals(window))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no window of " + window + " is tracked"));
  }

  /** The status of the rule named {@code name}. */
  public RuleStatus rule(String name) {
    return rules.stream()
        .filter(r -> r.rule().name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no rule named " + name));
  }

  /** The rules firing now. */
  public List<RuleStatus> firing() {
    return rules.stream().filter(RuleStatus::firing).toList();
  }
}
