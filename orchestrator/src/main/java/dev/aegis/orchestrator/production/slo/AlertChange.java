package dev.aegis.orchestrator.production.slo;

import dev.aegis.orchestrator.judgment.HealthWindow;
import java.time.Instant;
import java.util.Locale;

/**
 * An alert of one rule on one track of one service started firing or resolved. Emitted once per
 * edge, never once per health window. Everything in it is event time, so replaying the same windows
 * in the same order gives the same changes with the same {@link #eventId()}.
 *
 * @param service the service
 * @param track the track whose windows burned the budget
 * @param version the version of the track's newest window (the one at the watermark)
 * @param rule the rule that fired or resolved
 * @param state {@link AlertState#FIRING} or {@link AlertState#RESOLVED}
 * @param at event time of the change: the watermark (newest {@code windowEnd}) when it happened
 * @param firedAt when the alert fired; equals {@code at} for a {@link AlertState#FIRING} change and
 *     pairs a resolution with its firing
 * @param burnRateLong burn rate over the rule's long window, as seen, at {@code at}
 * @param burnRateShort burn rate over the rule's short window, as seen, at {@code at}
 * @param objective the availability objective, e.g. {@code 0.999}
 */
public record AlertChange(
    String service,
    HealthWindow.Track track,
    String version,
    AlertRule rule,
    AlertState state,
    Instant at,
    Instant firedAt,
    double burnRateLong,
    double burnRateShort,
    double objective,
    String namespace) {

  /** A change of a service named without a namespace. */
  public AlertChange(
      String service,
      HealthWindow.Track track,
      String version,
      AlertRule rule,
      AlertState state,
      Instant at,
      Instant firedAt,
      double burnRateLong,
      double burnRateShort,
      double objective) {
    this(
        service,
        track,
        version,
        rule,
        state,
        at,
        firedAt,
        burnRateLong,
        burnRateShort,
        objective,
        null);
  }

  /**
   * The CloudEvent id of the change, {@code
   * [<namespace>/]<service>/<track>/<rule>/<firedAt>/<state>}, e.g. {@code
   * shop/checkout/stable/page-1h-5m/2025-03-01T12:30:00Z/firing}: the same service name in two
   * namespaces gives two ids. Deterministic, so a change re-emitted after a restart (the tracker
   * re-fed the same windows) is a duplicate the outbox and consumers drop; the state suffix keeps
   * the resolution of an alert distinct from its firing.
   */
  public String eventId() {
    return (namespace == null ? "" : namespace + "/")
        + service
        + "/"
        + trackWire()
        + "/"
        + rule.name()
        + "/"
        + firedAt
        + "/"
        + state.wire();
  }

  /** The track's wire form: {@code canary}, {@code baseline} or {@code stable}. */
  public String trackWire() {
    return track.name().toLowerCase(Locale.ROOT);
  }

  /** Whether this change starts an alert. */
  public boolean isFiring() {
    return state == AlertState.FIRING;
  }
}
