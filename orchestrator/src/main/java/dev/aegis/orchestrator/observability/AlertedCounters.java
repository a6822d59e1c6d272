package dev.aegis.orchestrator.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The counters the Helm chart's alerts read with {@code increase()}, registered at zero when the
 * application starts rather than at their first count.
 *
 * <p>Prometheus's {@code increase()} sees a rise only between two samples of a series. A counter
 * that Micrometer creates at its first increment is first scraped at 1: to {@code increase()} that
 * series never rose, so the first lost commit reply, the first rejected command or the first
 * dead-lettered event of a process raised no alert. Registered here, each series is scraped at 0
 * before anything counts, and its first count is a rise. Counters whose label values are not known
 * at start (the actuation alarm, by service) are caught by their alert's expression instead, which
 * also looks for series that did not exist a window ago (kubernetes/helm/aegis, prometheusrule).
 *
 * <p>The same series on the scrape also let the health-silence alert see a replica that has not
 * processed one health window since it started: its rate is 0 rather than absent.
 */
public final class AlertedCounters {

  /**
   * The label values to register, each list the full set the code counts under.
   *
   * @param topics the input topics ({@code topic} of {@code aegis.events.processed})
   * @param processedOutcomes every {@code outcome} of {@code aegis.events.processed}
   * @param commands every {@code command} of {@code aegis.actuation.results}
   * @param actuationOutcomes every {@code outcome} of {@code aegis.actuation.results}
   */
  public record Labels(
      Collection<String> topics,
      Collection<String> processedOutcomes,
      Collection<String> commands,
      Collection<String> actuationOutcomes) {
    public Labels {
      topics = List.copyOf(topics);
      processedOutcomes = List.copyOf(processedOutcomes);
      commands = List.copyOf(commands);
      actuationOutcomes = List.copyOf(actuationOutcomes);
    }
  }

  private final List<Counter> registered;

  private AlertedCounters(List<Counter> registered) {
    this.registered = List.copyOf(registered);
  }

  /** Registers every alerted series of {@code labels} in {@code registry}, each at zero. */
  public static AlertedCounters register(MeterRegistry registry, Labels labels) {
    Objects.requireNonNull(registry, "registry");
    List<Counter> out = new ArrayList<>();
    out.add(registry.counter("aegis.batch.lost.replies"));
    out.add(registry.counter("aegis.actuation.lease.lost"));
    for (String topic : labels.topics()) {
      for (String outcome : labels.processedOutcomes()) {
        out.add(registry.counter("aegis.events.processed", "topic", topic, "outcome", outcome));
      }
    }
    for (String command : labels.commands()) {
      for (String outcome : labels.actuationOutcomes()) {
        out.add(
            registry.counter("aegis.actuation.results", "command", command, "outcome", outcome));
      }
    }
    return new AlertedCounters(out);
  }

  /** The counters registered, in the order above. */
  public List<Counter> registered() {
    return registered;
  }
}
