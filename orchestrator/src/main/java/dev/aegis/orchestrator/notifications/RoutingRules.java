package dev.aegis.orchestrator.notifications;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The routing rules in force and where they came from: the configuration ({@code
 * aegis.notifications.routes}) until an {@code sre} sets them over the API, which then wins.
 *
 * @param source {@code configuration} or {@code api}
 * @param updatedBy who set them over the API; null for the configuration
 */
public record RoutingRules(List<Route> routes, String source, String updatedBy) {

  /** At most this many rules, and this many entries in each list of a rule. */
  public static final int MAX_ROUTES = 100;

  public static final int MAX_ENTRIES = 100;

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public RoutingRules {
    routes = List.copyOf(routes);
  }

  /** The channels {@code n} goes to, in rule order, each once. */
  public Set<String> channelsFor(Notification n) {
    Set<String> channels = new LinkedHashSet<>();
    for (Route route : routes) {
      if (route.matches(n)) {
        channels.addAll(route.channels());
      }
    }
    return channels;
  }

  /**
   * What is wrong with {@code routes}, each problem as {@code field: message} with the field as a
   * JSON path ({@code routes[1].channels[0]}); empty when they are valid.
   */
  public static List<String> problems(List<Route> routes, Set<String> knownChannels) {
    List<String> problems = new ArrayList<>();
    if (routes.size() > MAX_ROUTES) {
      problems.add("routes: at most " + MAX_ROUTES + " rules");
      return problems;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < routes.size(); i++) {
      Route r = routes.get(i);
      String at = "routes[" + i + "]";
      if (r == null) {
        problems.add(at + ": a rule is required");
        continue;
      }
      if (r.name() == null || !NAME.matcher(r.name()).matches()) {
        problems.add(at + ".name: a DNS-1123 label is required");
      } else if (!names.add(r.name())) {
        problems.add(at + ".name: '" + r.name() + "' is used by an earlier rule");
      }
      if (r.channels().isEmpty()) {
        problems.add(at + ".channels: at least one channel is required");
      }
      checkEach(
          problems, at + ".channels", r.channels(), knownChannels::contains, "no such channel");
      checkEach(
          problems,
          at + ".events",
          r.events(),
          e -> NotificationKind.parse(e).map(NotificationKind::isRoutable).orElse(false),
          "no such event; one of " + routableKinds());
      checkEach(
          problems,
          at + ".namespaces",
          r.namespaces(),
          v -> NAME.matcher(v).matches(),
          "not a DNS-1123 label");
      checkEach(
          problems,
          at + ".services",
          r.services(),
          v -> NAME.matcher(v).matches(),
          "not a DNS-1123 label");
      if (Severity.parse(r.minSeverity()).isEmpty()) {
        problems.add(at + ".minSeverity: one of info, warning, critical");
      }
    }
    return problems;
  }

  private static void checkEach(
      List<String> problems,
      String field,
      List<String> values,
      java.util.function.Predicate<String> valid,
      String message) {
    if (values.size() > MAX_ENTRIES) {
      problems.add(field + ": at most " + MAX_ENTRIES + " entries");
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v == null || v.length() > 253 || !valid.test(v)) {
        problems.add(field + "[" + i + "]: " + message);
      }
    }
  }

  private static List<String> routableKinds() {
    return java.util.Arrays.stream(NotificationKind.values())
        .filter(NotificationKind::isRoutable)
        .map(NotificationKind::wire)
        .toList();
  }
}
