package dev.aegis.orchestrator.notifications;

import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.persistence.NotificationRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.security.Access;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Notifications over the API: their delivery state, the routing rules (read by viewers, set by an
 * {@code sre}) and a test message per channel. Channel URLs and keys never appear here.
 */
@RestController
@RequestMapping("/api/v1/notifications")
class NotificationsController {

  private static final Set<String> STATUSES = Set.of("pending", "retrying", "delivered", "failed");

  /** One notification's delivery to one channel. */
  record NotificationView(
      String id,
      String channel,
      String kind,
      String severity,
      String status,
      int attempts,
      String lastError,
      String title,
      String namespace,
      String service,
      String experimentId,
      String digestId,
      Instant createdAt,
      Instant nextAttemptAt,
      Instant deliveredAt) {
    static NotificationView of(NotificationRepository.Entry e) {
      String status =
          switch (e.status()) {
            case "DELIVERED" -> "delivered";
            case "FAILED" -> "failed";
            default -> e.attempts() > 0 ? "retrying" : "pending";
          };
      return new NotificationView(
          e.id(),
          e.channel(),
          e.kind(),
          e.severity(),
          status,
          e.attempts(),
          e.lastError(),
          e.title(),
          e.namespace(),
          e.service(),
          e.experimentId(),
          e.digestId() == null || e.digestId().equals(e.id()) ? null : e.digestId(),
          e.createdAt(),
          "PENDING".equals(e.status()) ? e.nextAttemptAt() : null,
          e.deliveredAt());
    }
  }

  /** A channel as the API shows it: never its URL or key. */
  record ChannelView(
      String name,
      String type,
      boolean signed,
      boolean configured,
      String groupWait,
      String circuit) {}

  record RoutesView(
      String source, String updatedBy, List<Route> routes, List<ChannelView> channels) {}

  record RoutesRequest(List<Route> routes) {}

  private final Transactions transactions;
  private final NotificationRepository repository;
  private final Notifier notifier;
  private final Channels channels;
  private final NotificationRelay relay;
  private final Access access;

  NotificationsController(
      Transactions transactions,
      NotificationRepository repository,
      Notifier notifier,
      Channels channels,
      NotificationRelay relay,
      Access access) {
    this.transactions = transactions;
    this.repository = repository;
    this.notifier = notifier;
    this.channels = channels;
    this.relay = relay;
    this.access = access;
  }

  /** Newest first; a principal limited to some namespaces sees only their notifications. */
  @GetMapping
  ResponseEntity<?> list(
      @RequestParam(required = false) String experimentId,
      @RequestParam(required = false) String channel,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String kind,
      @RequestParam(defaultValue = "100") int limit) {
    if (status != null && !STATUSES.contains(status)) {
      return badRequest("status", "status must be one of pending, retrying, delivered, failed");
    }
    NotificationRepository.Filter filter =
        new NotificationRepository.Filter(experimentId, channel, status, kind);
    List<NotificationView> items =
        transactions
            .withHandle(
                h ->
                    repository.list(
                        h, filter, access.readable(), Math.min(Math.max(limit, 1), 1000)))
            .stream()
            .map(NotificationView::of)
            .toList();
    return ResponseEntity.ok(Map.of("items", items));
  }

  @GetMapping("/routes")
  RoutesView routes() {
    return view();
  }

  /** Replaces every rule; 400 naming the first bad field, and nothing changes. */
  @PutMapping("/routes")
  ResponseEntity<?> setRoutes(@RequestBody RoutesRequest body) {
    access.requireAllNamespaces("notification routing");
    if (body == null || body.routes() == null) {
      return badRequest("routes", "routes is required (an empty list stops every notification)");
    }
    List<String> problems = notifier.setRules(body.routes(), access.actor());
    if (!problems.isEmpty()) {
      String first = problems.get(0);
      int colon = first.indexOf(':');
      ProblemDetail p =
          Problems.of(
              HttpStatus.BAD_REQUEST,
              "invalid-routes",
              "Invalid routing rules",
              String.join("; ", problems));
      p.setProperty("field", colon > 0 ? first.substring(0, colon) : "routes");
      return ResponseEntity.badRequest().body(p);
    }
    return ResponseEntity.ok(view());
  }

  /** Queues a test message to the channel, delivered at once: 202 with its key. */
  @PostMapping("/channels/{name}/test")
  ResponseEntity<?> test(@PathVariable String name) {
    access.requireAllNamespaces("notification channels");
    if (channels.find(name).isEmpty()) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND)
          .body(
              Problems.of(
                  HttpStatus.NOT_FOUND,
                  "not-found",
                  "No such channel",
                  "no notification channel is named "
                      + name
                      + "; see GET /api/v1/notifications/routes"));
    }
    return notifier
        .test(name, access.actor())
        .<ResponseEntity<?>>map(
            id ->
                ResponseEntity.status(HttpStatus.ACCEPTED)
                    .body(Map.of("id", id, "channel", name, "status", "pending")))
        .orElseGet(
            () ->
                ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header("Retry-After", "10")
                    .body(
                        Problems.of(
                            HttpStatus.TOO_MANY_REQUESTS,
                            "rate-limited",
                            "Too many tests",
                            "channel " + name + " was tested moments ago; try again shortly")));
  }

  private RoutesView view() {
    RoutingRules rules = notifier.rules();
    List<ChannelView> views =
        channels.all().stream()
            .map(
                c ->
                    new ChannelView(
                        c.name(),
                        c.type().wire(),
                        c.signed(),
                        channels.reachable(c),
                        c.effectiveGroupWait().toString(),
                        relay.circuit(c.name())))
            .toList();
    return new RoutesView(rules.source(), rules.updatedBy(), rules.routes(), views);
  }

  private static ResponseEntity<?> badRequest(String field, String detail) {
    ProblemDetail p =
        Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
    p.setProperty("field", field);
    return ResponseEntity.badRequest().body(p);
  }
}
