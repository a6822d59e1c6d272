package dev.aegis.orchestrator.notifications;

import java.util.List;

/**
 * One routing rule: notifications of {@code events} (all when empty) in {@code namespaces} and
 * {@code services} (all when empty) at {@code minSeverity} or above go to {@code channels}. A
 * notification goes to every channel of every rule it matches, once per channel. A namespace or
 * service filter never matches a notification without one (a DLQ growth alert, a fault announced
 * for every namespace).
 */
public record Route(
    String name,
    List<String> channels,
    List<String> events,
    List<String> namespaces,
    List<String> services,
    String minSeverity) {

  public Route {
    channels = channels == null ? List.of() : List.copyOf(channels);
    events = events == null ? List.of() : List.copyOf(events);
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    services = services == null ? List.of() : List.copyOf(services);
    minSeverity = minSeverity == null || minSeverity.isBlank() ? "info" : minSeverity;
  }

  /** Whether {@code n} passes this rule's filters. */
  public boolean matches(Notification n) {
    return (events.isEmpty() ? isRoutable(n.kind()) : events.contains(n.kind()))
        && (namespaces.isEmpty() || (n.namespace() != null && namespaces.contains(n.namespace())))
        && (services.isEmpty() || (n.service() != null && services.contains(n.service())))
        && Severity.parse(n.severity())
            .orElse(Severity.INFO)
            .atLeast(Severity.parse(minSeverity).orElse(Severity.INFO));
  }

  private static boolean isRoutable(String kind) {
    return NotificationKind.parse(kind).map(NotificationKind::isRoutable).orElse(false);
  }
}
