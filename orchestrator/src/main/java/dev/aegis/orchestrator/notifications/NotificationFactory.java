package dev.aegis.orchestrator.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.EventJson;
import dev.aegis.events.EventType;
import dev.aegis.events.data.ActuationAlarmed;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.FailedCheck;
import dev.aegis.events.data.LifecycleTransitioned;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.events.data.SloBurnRateAlerted;
import dev.aegis.orchestrator.notifications.Notification.CheckResult;
import dev.aegis.orchestrator.notifications.Notification.Fact;
import dev.aegis.orchestrator.notifications.Notification.SourceEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the {@code dev.aegis.*} events Aegis emits into notifications: which events are notifiable,
 * their severity, and the words a human reads. Pure: no I/O, no clock.
 */
public final class NotificationFactory {

  private static final ObjectMapper EVENTS = EventJson.newObjectMapper();

  private final String dashboardUrl;

  /**
   * @param dashboardUrl the dashboard's address as people reach it, e.g. {@code
   *     https://aegis.example.com}; blank for no links
   */
  public NotificationFactory(String dashboardUrl) {
    String url = dashboardUrl == null ? "" : dashboardUrl.strip();
    this.dashboardUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The notification of one event, or empty when the event is not notifiable. */
  public Optional<Notification> of(EventType type, String eventId, Object data, Instant time) {
    SourceEvent event = new SourceEvent(type.type(), eventId, time, EVENTS.valueToTree(data));
    return switch (type) {
      case RCA_RECORDED -> Optional.of(quarantined((RcaRecorded) data, event));
      case LIFECYCLE_TRANSITIONED -> transitioned((LifecycleTransitioned) data, event);
      case ACTUATION_ALARMED -> Optional.of(alarm((ActuationAlarmed) data, event));
      case SLO_BURN_RATE_ALERTED -> Optional.of(burnRate((SloBurnRateAlerted) data, event));
      case CHAOS_INJECTED -> Optional.of(chaos((ChaosFault) data, event, true));
      case CHAOS_CLEARED -> Optional.of(chaos((ChaosFault) data, event, false));
      case HEALTH_REPORTED, EXPERIMENT_SUBMITTED -> Optional.empty();
    };
  }

  /** The DLQ growth alert of one window. */
  public Notification dlqGrowth(Instant windowStart, Duration window, int count, int threshold) {
    return new Notification(
        "dlq-growth/" + windowStart,
        NotificationKind.DLQ_GROWTH.wire(),
        Severity.WARNING.wire(),
        "Dead letters growing: " + count + " in " + human(window),
        count
            + " records were dead-lettered in the "
            + human(window)
            + " from "
            + windowStart
            + " (threshold "
            + threshold
            + ").",
        null,
        null,
        null,
        dashboardUrl.isEmpty() ? null : dashboardUrl + "/#/dead-letters",
        windowStart.plus(window),
        List.of(
            new Fact("dead letters", Integer.toString(count)),
            new Fact("threshold", Integer.toString(threshold)),
            new Fact("window", window.toString())),
        List.of(),
        "Look at the reasons (aegis dlq list), fix the cause, then replay them (aegis dlq replay).",
        null);
  }

  /** A test message for {@code channel}, sent on request. */
  public Notification test(String id, String channel, String actor, Instant now) {
    return new Notification(
        id,
        NotificationKind.TEST.wire(),
        Severity.INFO.wire(),
        "Aegis test notification for channel " + channel,
        actor + " asked Aegis to check that channel " + channel + " reaches you.",
        null,
        null,
        null,
        dashboardUrl.isEmpty() ? null : dashboardUrl + "/",
        now,
        List.of(new Fact("channel", channel), new Fact("requested by", actor)),
        List.of(),
        null,
        null);
  }

  private Notification quarantined(RcaRecorded rca, SourceEvent event) {
    List<Fact> facts = new ArrayList<>();
    facts.add(new Fact("candidate", rca.candidateVersion() + " (" + rca.candidateImage() + ")"));
    // failedStep is the 0-based step index (the schema's contract); people, and the RCA's summary,
    // count steps from 1.
    facts.add(
        new Fact(
            "failed at",
            "step " + (rca.failedStep() + 1) + ", " + rca.failedWeight() + "% traffic"));
    facts.add(
        new Fact(
            "production",
            rca.productionVersion() == null ? "not recorded" : rca.productionVersion()));
    if (!rca.activeFaults().isEmpty()) {
      facts.add(
          new Fact(
              "chaos faults active",
              rca.activeFaults().stream()
                  .map(f -> f.kind() + " " + f.faultId())
                  .toList()
                  .toString()));
    }
    return new Notification(
        event.id(),
        NotificationKind.QUARANTINED.wire(),
        Severity.CRITICAL.wire(),
        "Quarantined: " + rca.service() + " " + rca.candidateVersion() + " in " + rca.namespace(),
        rca.summary(),
        rca.namespace(),
        rca.service(),
        rca.experimentId(),
        link(rca.experimentId()),
        rca.recordedAt(),
        facts,
        rca.checks().stream().map(NotificationFactory::check).toList(),
        "Read the root-cause analysis (aegis quarantine rca "
            + rca.experimentId()
            + "); once the cause is fixed, release it (POST /api/v1/quarantine/"
            + rca.experimentId()
            + "/release) or submit a new candidate.",
        event);
  }

  private Optional<Notification> transitioned(LifecycleTransitioned t, SourceEvent event) {
    NotificationKind kind;
    Severity severity;
    String title;
    String action = null;
    if ("PROMOTED".equals(t.to())) {
      kind = NotificationKind.PROMOTED;
      severity = Severity.INFO;
      title = "Promoted: " + t.service() + " is now production";
    } else if ("PAUSED".equals(t.to())) {
      kind = NotificationKind.PAUSED;
      severity = Severity.WARNING;
      title = "Paused, waiting for a human: " + t.service();
      action =
          "Look at the step's evidence on the dashboard, then resume (aegis resume "
              + t.experimentId()
              + "), promote or abort it.";
    } else if ("ROLLING_BACK".equals(t.to()) || "PROMOTED".equals(t.from())) {
      kind = NotificationKind.ROLLED_BACK;
      severity = Severity.WARNING;
      title =
          ("PROMOTED".equals(t.from()) ? "Production rolled back: " : "Rolling back: ")
              + t.service();
    } else {
      return Optional.empty();
    }
    List<Fact> facts = new ArrayList<>();
    facts.add(new Fact("transition", (t.from() == null ? "new" : t.from()) + " → " + t.to()));
    facts.add(new Fact("by", t.actor()));
    if (t.weight() != null) {
      facts.add(new Fact("weight", t.weight() + "%"));
    }
    return Optional.of(
        new Notification(
            event.id(),
            kind.wire(),
            severity.wire(),
            title + (t.namespace() == null ? "" : " in " + t.namespace()),
            t.reason(),
            t.namespace(),
            t.service(),
            t.experimentId(),
            link(t.experimentId()),
            t.at(),
            facts,
            judgedChecks(event.data().path("evidence")),
            action,
            event));
  }

  private Notification alarm(ActuationAlarmed a, SourceEvent event) {
    return new Notification(
        event.id(),
        NotificationKind.ACTUATION_ALARM.wire(),
        Severity.CRITICAL.wire(),
        "Actuation alarm: " + a.commandKind() + " keeps failing for " + a.service(),
        a.problem(),
        a.namespace(),
        a.service(),
        a.experimentId(),
        link(a.experimentId()),
        a.raisedAt(),
        List.of(
            new Fact("command", a.commandKind() + " " + a.commandId()),
            new Fact("failures", Integer.toString(a.failures())),
            new Fact("phase", a.phase() == null ? "unknown" : a.phase())),
        List.of(),
        "The candidate may still receive traffic: fix what the Kubernetes API refuses (the problem"
            + " above); Aegis keeps retrying the rollback.",
        event);
  }

  private Notification burnRate(SloBurnRateAlerted s, SourceEvent event) {
    boolean firing = "firing".equals(s.state());
    Severity severity =
        !firing
            ? Severity.INFO
            : "page".equals(s.severity()) ? Severity.CRITICAL : Severity.WARNING;
    String track = s.track() == null ? "" : s.track().wire();
    List<CheckResult> checks =
        List.of(
            new CheckResult(
                "burn-rate-" + s.longWindow(),
                s.burnRateLong(),
                s.factor(),
                firing ? ">" : "<=",
                null,
                null,
                null,
                "burn rate over " + s.longWindow()),
            new CheckResult(
                "burn-rate-" + s.shortWindow(),
                s.burnRateShort(),
                s.factor(),
                firing ? ">" : "<=",
                null,
                null,
                null,
                "burn rate over " + s.shortWindow()));
    return new Notification(
        event.id(),
        (firing ? NotificationKind.SLO_ALERT_FIRING : NotificationKind.SLO_ALERT_RESOLVED).wire(),
        severity.wire(),
        "SLO burn-rate alert "
            + s.state()
            + ": "
            + s.service()
            + " "
            + track
            + " ("
            + s.rule()
            + ")",
        String.format(
            Locale.ROOT,
            "The %s track of %s burns its error budget (objective %s) %.1fx over %s and %.1fx over"
                + " %s; the rule %s %s at %.1fx.",
            track,
            s.service(),
            s.objective(),
            s.burnRateLong(),
            s.longWindow(),
            s.burnRateShort(),
            s.shortWindow(),
            s.rule(),
            firing ? "fires" : "resolves below",
            s.factor()),
        s.namespace(),
        s.service(),
        null,
        null,
        s.at(),
        List.of(
            new Fact("severity", s.severity()),
            new Fact("version", s.version() == null ? "unknown" : s.version()),
            new Fact("fired at", String.valueOf(s.firedAt()))),
        checks,
        firing
            ? "Look at the service's error rate; Aegis's production guard may roll it back."
            : null,
        event);
  }

  private Notification chaos(ChaosFault f, SourceEvent event, boolean injected) {
    String track = f.track() == null ? "" : f.track().wire();
    return new Notification(
        event.id(),
        (injected ? NotificationKind.CHAOS_INJECTED : NotificationKind.CHAOS_CLEARED).wire(),
        Severity.INFO.wire(),
        "Chaos fault " + (injected ? "injected: " : "cleared: ") + f.kind() + " on " + f.service(),
        f.kind()
            + " on the "
            + track
            + " track of "
            + f.service()
            + (injected ? ", until " + f.expiresAt() : ", started " + f.startedAt())
            + ".",
        f.namespace(),
        f.service(),
        null,
        null,
        injected ? f.startedAt() : event.time(),
        List.of(new Fact("fault", f.faultId()), new Fact("track", track)),
        List.of(),
        null,
        event);
  }

  private String link(String experimentId) {
    if (dashboardUrl.isEmpty() || experimentId == null) {
      return null;
    }
    return dashboardUrl
        + "/#/experiments/"
        + URLEncoder.encode(experimentId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static CheckResult check(FailedCheck c) {
    return new CheckResult(
        c.check(),
        c.observed(),
        c.threshold(),
        c.comparison(),
        c.test(),
        c.statistic(),
        c.pValue(),
        c.message());
  }

  /** The failed checks of a judgment carried as transition evidence. */
  private static List<CheckResult> judgedChecks(JsonNode evidence) {
    List<CheckResult> checks = new ArrayList<>();
    for (JsonNode c : evidence.path("checks")) {
      if (c.path("passed").asBoolean(true)) {
        continue;
      }
      JsonNode test = c.path("test");
      checks.add(
          new CheckResult(
              c.path("name").asText(null),
              number(c.path("observed")),
              number(c.path("threshold")),
              c.path("comparison").asText(null),
              test.path("test").asText(null),
              number(test.path("statistic")),
              number(test.path("pValue")),
              c.path("explanation").asText(null)));
    }
    return checks;
  }

  private static Double number(JsonNode node) {
    return node.isNumber() ? node.asDouble() : null;
  }

  private static String human(Duration d) {
    long minutes = d.toMinutes();
    return minutes > 0 && d.toSecondsPart() == 0 ? minutes + " min" : d.toSeconds() + " s";
  }
}
