package dev.aegis.orchestrator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.observability.MeterCatalogue.Entry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MeterCatalogueTest {

  /** Where meters are registered: a meter call or builder, or BatchProcessor's tally. */
  private static final Pattern METER_NAME =
      Pattern.compile(
          "(?:\\.(?:counter|gauge|timer|summary|longTaskTimer)"
              + "|\\b(?:Counter|Gauge|Timer|DistributionSummary|LongTaskTimer|FunctionCounter"
              + "|FunctionTimer|TimeGauge)\\.builder"
              + "|tally\\(List\\.of)\\(\"(aegis\\.[a-z0-9_.]+)\"");

  private static final List<Path> SOURCES =
      List.of(
          Path.of("src/main/java"),
          Path.of("../operators/src/main/java"),
          Path.of("../chaos/src/main/java"));

  @Test
  @DisplayName("every catalogue entry has a name under aegis., a help text, a unit and a type")
  void entries_are_complete() {
    assertThat(MeterCatalogue.ENTRIES).isNotEmpty();
    for (Entry e : MeterCatalogue.ENTRIES) {
      assertThat(e.name()).as("name").startsWith(MeterCatalogue.PREFIX).matches("[a-z0-9_.]+");
      assertThat(e.help()).as("help of %s", e.name()).isNotBlank().doesNotContain("\n");
      assertThat(e.unit()).as("unit of %s", e.name()).isNotNull();
      assertThat(e.type()).as("type of %s", e.name()).isIn(Meter.Type.COUNTER, Meter.Type.GAUGE);
    }
    assertThat(MeterCatalogue.ENTRIES.stream().map(Entry::name).distinct())
        .hasSameSizeAs(MeterCatalogue.ENTRIES);
  }

  @Test
  @DisplayName(
      "every aegis meter the sources register is in the catalogue, and every entry is registered"
          + " somewhere")
  void catalogue_matches_the_sources() {
    Set<String> registered = registeredInSources();
    Set<String> listed =
        MeterCatalogue.ENTRIES.stream()
            .map(Entry::name)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(registered).as("aegis meter names found in the sources").isNotEmpty();
    assertThat(registered).as("registered but not in MeterCatalogue").isSubsetOf(listed);
    assertThat(listed).as("in MeterCatalogue but registered nowhere").isSubsetOf(registered);
  }

  @Test
  @DisplayName("a scrape of every catalogued meter passes promtool's lint, each with its help text")
  void scrape_of_every_entry_is_lint_free() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterCatalogue());
    for (Entry e : MeterCatalogue.ENTRIES) {
      switch (e.type()) {
        case COUNTER -> Counter.builder(e.name()).tag("service", "checkout").register(registry);
        case GAUGE -> Gauge.builder(e.name(), () -> 1).register(registry);
        default -> throw new AssertionError("no registration for " + e.type());
      }
    }
    String scrape = registry.scrape();
    Map<String, Promlint.Family> families = Promlint.parse(scrape);

    assertThat(Promlint.lint(scrape, "aegis_")).isEmpty();
    for (Entry e : MeterCatalogue.ENTRIES) {
      String exposed =
          e.name().replace('.', '_') + (e.type() == Meter.Type.COUNTER ? "_total" : "");
      assertThat(families).as("family of %s", e.name()).containsKey(exposed);
      assertThat(families.get(exposed).help()).isEqualTo(e.help());
    }
  }

  @Test
  @DisplayName("a meter left out of the catalogue is still counted, and the lint flags it")
  void unlisted_meter_is_flagged() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterCatalogue());
    registry.counter("aegis.not.catalogued").increment();
    registry.counter("aegis.request.latency.ms").increment();

    List<Promlint.Problem> problems = Promlint.lint(registry.scrape(), "aegis_");

    assertThat(problems)
        .extracting(Promlint.Problem::toString)
        .contains(
            "aegis_not_catalogued_total: no help text",
            "aegis_request_latency_ms_total: metric names should not contain abbreviated units");
  }

  private static Set<String> registeredInSources() {
    Set<String> out = new TreeSet<>();
    for (Path root : SOURCES) {
      assertThat(root).as("source root (tests run from the orchestrator module)").isDirectory();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          // Formatting may break a call across lines: look at the code with whitespace removed.
          String code = Files.readString(file).replaceAll("\\s+", "");
          Matcher m = METER_NAME.matcher(code);
          while (m.find()) {
            out.add(m.group(1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
