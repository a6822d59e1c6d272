package dev.aegis.orchestrator.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Aegis meter, with its help text and unit, in one place. As a meter filter it stamps the
 * description and base unit on each {@code aegis.*} meter when it is registered, so the classes
 * that count need only the name and tags, and every {@code aegis_*} family on {@code
 * /actuator/prometheus} has a {@code # HELP} line ({@code promtool check metrics} asks for one).
 *
 * <p>A meter named {@code aegis.*} that is not listed here is still registered (a missing entry
 * must not lose a count in production), with one WARN line; {@code MeterCatalogueTest} fails the
 * build on any {@code aegis.*} meter name in the sources that is not listed, and {@code
 * MetricsLintIT} on any unlisted family in a live scrape.
 *
 * <p>Units: durations are seconds and sizes bytes (Prometheus base units), and the exposed name
 * ends with the unit. A count of things has no unit ({@link Unit#NONE}): the name says what is
 * counted, as in {@code http_requests_total}; Micrometer would otherwise append the unit to the
 * exposed name.
 */
public final class MeterCatalogue implements MeterFilter {

  private static final Logger log = LoggerFactory.getLogger(MeterCatalogue.class);

  /** The prefix of every Aegis meter name (Micrometer's dotted form). */
  public static final String PREFIX = "aegis.";

  /** A meter's unit; the Prometheus base unit, or none for a plain count or a 0/1 state. */
  public enum Unit {
    NONE(null),
    SECONDS("seconds"),
    BYTES("bytes"),
    RATIO("ratio");

    private final String base;

    Unit(String base) {
      this.base = base;
    }

    /** The base unit Micrometer is given (and appends to the exposed name), or null. */
    public String base() {
      return base;
    }
  }

  /**
   * One meter.
   *
   * @param name the Micrometer name, e.g. {@code aegis.events.processed}
   * @param type what kind of meter it is registered as
   * @param help the help text: what one unit of it means, and its tags
   * @param unit its unit
   */
  public record Entry(String name, Meter.Type type, String help, Unit unit) {}

  private static Entry counter(String name, String help) {
    return new Entry(name, Meter.Type.COUNTER, help, Unit.NONE);
  }

  private static Entry gauge(String name, String help) {
    return new Entry(name, Meter.Type.GAUGE, help, Unit.NONE);
  }

  /** Every Aegis meter; docs/production.md lists the same names as they appear on a scrape. */
  public static final List<Entry> ENTRIES =
      List.of(
          counter(
              "aegis.events.processed",
              "Records consumed from the input topics and committed, by topic and outcome"),
          counter(
              "aegis.events.duplicates",
              "Records skipped because their event id was already processed, by topic"),
          counter(
              "aegis.events.refused",
              "Records dead-lettered because their sender may not publish them, by topic and"
                  + " reason"),
          counter(
              "aegis.batch.conflicts",
              "Consumer batches run again because another writer changed an experiment they had"
                  + " read, or PostgreSQL ended a deadlock with them, by reason"),
          counter(
              "aegis.batch.lost.replies",
              "Consumer batches whose commit lost its reply (the connection broke) and which"
                  + " PostgreSQL then reported committed, so they stood"),
          counter(
              "aegis.health.unmanaged",
              "Health windows for a service Aegis does not manage, ignored, by service"),
          counter(
              "aegis.actuation.results",
              "Actuation commands carried out on the cluster and recorded, by command and"
                  + " outcome"),
          counter(
              "aegis.actuation.lease.lost",
              "Actuation calls whose lease ran out during the call, so another relay's result"
                  + " stands"),
          counter(
              "aegis.actuation.lease.renewals",
              "Renewals of the leases of actuation commands whose call is still running, by"
                  + " outcome (renewed; lost: another relay took the command over; failed: the"
                  + " database could not be reached)"),
          counter(
              "aegis.actuation.alarms",
              "Rollbacks that keep failing on the cluster and raised the actuation alarm, by"
                  + " service"),
          counter(
              "aegis.remediation.actions",
              "Production remediations carried out (rollback, scale-up), by action and signal"),
          gauge(
              "aegis.slo.alert.firing",
              "1 while the SLO burn-rate alert fires for the service and track, else 0, by"
                  + " namespace, service, track, rule and severity"),
          counter(
              "aegis.chaos.faults",
              "Chaos faults by kind and outcome (injected, or why the fault was reverted)"),
          counter(
              "aegis.chaos.revert.failures",
              "Failed attempts to revert a chaos fault; each is retried with backoff"),
          counter(
              "aegis.retention.sweeps",
              "Retention sweeps, by outcome (swept, or skipped while another replica sweeps)"),
          counter("aegis.retention.pruned", "Rows deleted by the retention sweeper, by table"),
          counter(
              "aegis.notifications",
              "Notification delivery attempts, by channel and outcome (delivered, retrying,"
                  + " failed)"),
          gauge(
              "aegis.notifications.circuit.open",
              "1 while the channel's circuit breaker is open (deliveries wait), else 0, by"
                  + " channel"),
          counter(
              "aegis.retention.retired.tracks",
              "SLO tracks of services that stopped reporting, retired by the retention sweeper"),
          gauge(
              "aegis.experiments.stuck",
              "Live experiments (CANARY, PAUSED, ROLLING_BACK) past their step's planned time plus"
                  + " a grace, or rolling back past the rollback grace, by reason (actuation,"
                  + " silent, judgment, paused, rolling-back); counted on a schedule over all"
                  + " services, so every replica reports the same number"),
          gauge(
              "aegis.dead_letters.recorder.parked",
              "1 while the dead-letter recorder waits for the database, else 0"),
          gauge(
              "aegis.dead_letters.recorder.attempts",
              "Failed attempts to record dead letters since the recorder parked"));

  private static final Map<String, Entry> BY_NAME =
      ENTRIES.stream().collect(Collectors.toUnmodifiableMap(Entry::name, Function.identity()));

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** The entry of {@code name}, if it is an Aegis meter the catalogue lists. */
  public static Optional<Entry> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith(PREFIX)) {
      return id;
    }
    Entry entry = BY_NAME.get(id.getName());
    if (entry == null) {
      if (warned.add(id.getName())) {
        log.warn(
            "meter {} is not in MeterCatalogue: it is exported without help text or unit",
            id.getName());
      }
      return id;
    }
    return new Meter.Id(
        id.getName(),
        Tags.of(id.getTagsAsIterable()),
        entry.unit().base(),
        entry.help(),
        id.getType());
  }
}
