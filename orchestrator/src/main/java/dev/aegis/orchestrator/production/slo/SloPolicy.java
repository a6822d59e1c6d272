package dev.aegis.orchestrator.production.slo;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An availability objective and the burn-rate rules that guard it.
 *
 * <p><b>Burn rate</b> over a window = (errors ÷ requests in the window) ÷ error budget, where the
 * budget is {@code 1 − objective}: at 99.9% a 2% error ratio burns at 20×. Ratios are
 * request-weighted: the window's errors over its requests, never an average of per-window ratios.
 *
 * <p><b>Coverage rule.</b> A window's <em>coverage</em> is the share of its span for which health
 * windows were received. Burn rates are always computed over what was seen. To <em>fire</em>, a
 * window needs at least {@code minRequests} requests and then:
 *
 * <ul>
 *   <li>coverage ≥ {@code minCoverage}: its burn rate over what was seen must exceed the factor;
 *   <li>less coverage: its burn rate × coverage must exceed the factor. That is the burn rate the
 *       whole window would have if the unseen part had been error-free at the same traffic, so a
 *       burn severe enough fires at once (a total outage pages within a minute), while a moderate
 *       one waits for enough data instead of paging on a few minutes of a fresh track.
 * </ul>
 *
 * To <em>resolve</em>, one window of the rule must have seen data (coverage &gt; 0) and burn at or
 * below the factor over what it saw; a window with no data keeps the alert as it is, so a gap in
 * reporting neither fires nor resolves anything.
 *
 * @param objective availability target, {@code 0 < objective < 1}, e.g. {@code 0.999}
 * @param rules the alert rules; names unique
 * @param minCoverage coverage at which a window's burn rate is trusted as seen, {@code (0, 1]}
 * @param minRequests requests a window needs before it can fire, {@code >= 1}; raise it for
 *     low-traffic services, where one failed request is a large error ratio
 * @param bucketsPerWindow resolution: each window is kept as this many buckets (span ÷ buckets
 *     wide, at most about 24.8 days) plus one, so memory per track is at most about {@code windows
 *     × bucketsPerWindow × 28} bytes, whatever the traffic
 */
public record SloPolicy(
    double objective,
    List<AlertRule> rules,
    double minCoverage,
    long minRequests,
    int bucketsPerWindow) {

  /** The workbook's rules, {@link #workbook(double)}, for a 99.9% objective. */
  public static final SloPolicy DEFAULT = workbook(0.999);

  /** Default {@link #minCoverage()}: half of a window must have been seen. */
  public static final double DEFAULT_MIN_COVERAGE = 0.5;

  /**
   * Default {@link #bucketsPerWindow()}: a 1 h window in 1-minute buckets, 5 min in 5-second ones.
   */
  public static final int DEFAULT_BUCKETS_PER_WINDOW = 60;

  public SloPolicy {
    if (!(objective > 0 && objective < 1)) {
      throw new IllegalArgumentException("objective must be within (0, 1), was " + objective);
    }
    rules = List.copyOf(rules);
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("an SLO policy needs at least one rule");
    }
    Set<String> names = new HashSet<>();
    for (AlertRule rule : rules) {
      if (!names.add(rule.name())) {
        throw new IllegalArgumentException("rule names must be unique: " + rule.name());
      }
    }
    if (!(minCoverage > 0 && minCoverage <= 1)) {
      throw new IllegalArgumentException("minCoverage must be within (0, 1], was " + minCoverage);
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException("minRequests must be at least 1, was " + minRequests);
    }
    if (bucketsPerWindow < 1 || bucketsPerWindow > 10_000) {
      throw new IllegalArgumentException(
          "bucketsPerWindow must be within 1..10000, was " + bucketsPerWindow);
    }
    for (AlertRule rule : rules) {
      // A tracker keeps offsets within a bucket as ints.
      long widest = -Math.floorDiv(-rule.longWindow().toMillis(), bucketsPerWindow);
      if (widest > WindowRing.MAX_WIDTH) {
        throw new IllegalArgumentException(
            "rule "
                + rule.name()
                + ": buckets of "
                + rule.longWindow()
                + " ÷ "
                + bucketsPerWindow
                + " would be wider than "
                + Duration.ofMillis(WindowRing.MAX_WIDTH)
                + "; raise bucketsPerWindow");
      }
    }
  }

  /**
   * The four rules of the workbook for {@code objective}: page 14.4× over 1 h and 5 min, page 6×
   * over 6 h and 30 min, ticket 3× over 1 d and 2 h, ticket 1× over 3 d and 6 h.
   */
  public static SloPolicy workbook(double objective) {
    return new SloPolicy(
        objective,
        List.of(
            AlertRule.PAGE_1H_5M,
            AlertRule.PAGE_6H_30M,
            AlertRule.TICKET_1D_2H,
            AlertRule.TICKET_3D_6H),
        DEFAULT_MIN_COVERAGE,
        1,
        DEFAULT_BUCKETS_PER_WINDOW);
  }

  /** The error budget, {@code 1 − objective}: the error ratio that burns at exactly 1×. */
  public double errorBudget() {
    return 1 - objective;
  }

  /** Every window the rules use, shortest first, each once. */
  public List<Duration> windows() {
    Set<Duration> spans = new TreeSet<>();
    for (AlertRule rule : rules) {
      spans.add(rule.longWindow());
      spans.add(rule.shortWindow());
    }
    return List.copyOf(spans);
  }

  /** This policy with other rules. */
  public SloPolicy withRules(List<AlertRule> newRules) {
    return new SloPolicy(objective, newRules, minCoverage, minRequests, bucketsPerWindow);
  }

  /** This policy with another objective. */
  public SloPolicy withObjective(double newObjective) {
    return new SloPolicy(newObjective, rules, minCoverage, minRequests, bucketsPerWindow);
  }

  /** This policy with another coverage threshold. */
  public SloPolicy withMinCoverage(double newMinCoverage) {
    return new SloPolicy(objective, rules, newMinCoverage, minRequests, bucketsPerWindow);
  }

  /** This policy with another request minimum. */
  public SloPolicy withMinRequests(long newMinRequests) {
    return new SloPolicy(objective, rules, minCoverage, newMinRequests, bucketsPerWindow);
  }

  /** The rule named {@code name}. */
  public AlertRule rule(String name) {
    Objects.requireNonNull(name, "name");
    return rules.stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no rule named " + name));
  }
}
