package dev.aegis.orchestrator.observability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of {@code promtool check metrics}, for hosts without promtool: a parser of the
 * Prometheus text exposition format (0.0.4) and the lint rules of client_golang's {@code
 * prometheus/testutil/promlint} (help text, {@code _total} on counters and only on counters, base
 * units, no type or abbreviated unit in the name, reserved histogram and summary suffixes and
 * labels, {@code _timestamp_seconds} only on gauges, no {@code :}, snake_case names and labels, no
 * duplicate series). Each problem reads as promtool prints it: {@code name: text}. One rule is
 * stricter than promtool's: a blank help text counts as none. Micrometer writes {@code # HELP name}
 * with nothing after it for a meter without a description, which promtool's parser takes for a help
 * text, though it tells a reader nothing.
 *
 * <p>Also a command-line check of a saved scrape: {@code java ... Promlint scrape.txt [prefix]}
 * prints every problem of the families whose name starts with the prefix and exits 1 if there is
 * one.
 */
public final class Promlint {

  /** One metric family as the scrape shows it. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  /** One sample line: its full name (with any suffix), labels in order, and value. */
  public record Sample(String name, Map<String, String> labels, String value) {}

  /** A finding: the family and what is wrong with it, as promtool words it. */
  public record Problem(String metric, String text) {
    @Override
    public String toString() {
      return metric + ": " + text;
    }
  }

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");
  private static final Pattern CAMEL = Pattern.compile("[a-z][A-Z]");

  private static final Map<String, String> UNITS =
      Map.ofEntries(
          Map.entry("amperes", "amperes"),
          Map.entry("bytes", "bytes"),
          Map.entry("celsius", "celsius"),
          Map.entry("grams", "grams"),
          Map.entry("joules", "joules"),
          Map.entry("kelvin", "kelvin"),
          Map.entry("meters", "meters"),
          Map.entry("metres", "metres"),
          Map.entry("seconds", "seconds"),
          Map.entry("volts", "volts"),
          Map.entry("minutes", "seconds"),
          Map.entry("hours", "seconds"),
          Map.entry("days", "seconds"),
          Map.entry("weeks", "seconds"),
          Map.entry("kelvins", "kelvin"),
          Map.entry("fahrenheit", "celsius"),
          Map.entry("rankine", "celsius"),
          Map.entry("inches", "meters"),
          Map.entry("yards", "meters"),
          Map.entry("miles", "meters"),
          Map.entry("bits", "bytes"),
          Map.entry("calories", "joules"),
          Map.entry("pounds", "grams"),
          Map.entry("ounces", "grams"));
  private static final List<String> PREFIXES =
      List.of(
          "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi",
          "mega", "mibi", "giga", "gibi", "tera", "tebi", "peta", "pebi");
  private static final List<String> ABBREVIATIONS =
      List.of("s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d");
  private static final List<String> TYPE_NAMES =
      List.of("counter", "gauge", "summary", "histogram", "gauge_histogram");

  private Promlint() {}

  /**
   * Parses a scrape in the text format. Families are keyed by the name of their {@code # TYPE} or
   * {@code # HELP} line; a sample joins the family its name (less {@code _bucket}, {@code _count},
   * {@code _sum}, {@code _created}) names, or makes an untyped family of its own.
   *
   * @throws IllegalArgumentException on a line that is not the text format
   */
  public static Map<String, Family> parse(String scrape) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        helps.put(parts[0], parts.length > 1 ? parts[1] : "");
        samples.computeIfAbsent(parts[0], k -> new ArrayList<>());
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        types.put(parts[0], parts.length > 1 ? parts[1].trim() : "untyped");
        samples.computeIfAbsent(parts[0], k -> new ArrayList<>());
      } else if (line.startsWith("#")) {
        continue;
      } else {
        Sample s = sample(line);
        samples.computeIfAbsent(familyOf(s.name(), types.keySet()), k -> new ArrayList<>()).add(s);
      }
    }
    Map<String, Family> out = new TreeMap<>();
    samples.forEach(
        (name, list) ->
            out.put(
                name,
                new Family(name, types.getOrDefault(name, "untyped"), helps.get(name), list)));
    return out;
  }

  private static String familyOf(String sampleName, Set<String> typed) {
    if (typed.contains(sampleName)) {
      return sampleName;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum", "_created", "_total")) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        if (typed.contains(base)) {
          return base;
        }
      }
    }
    return sampleName;
  }

  private static Sample sample(String line) {
    Matcher m = SAMPLE.matcher(line.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a sample line of the text format: " + line);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (m.group(3) != null) {
      Matcher l = LABEL.matcher(m.group(3));
      int end = 0;
      while (l.lookingAt()) {
        labels.put(l.group(1), l.group(2));
        end = l.end();
        l.region(end, m.group(3).length());
      }
      if (end != m.group(3).length()) {
        throw new IllegalArgumentException("malformed labels: " + line);
      }
    }
    String value = m.group(4);
    if (!value.matches("[+-]?(Inf|NaN|[0-9.eE+-]+)")) {
      throw new IllegalArgumentException("not a sample value: " + line);
    }
    return new Sample(m.group(1), labels, value);
  }

  /** Every problem promtool's lint finds in {@code family}. */
  public static List<Problem> lint(Family f) {
    List<Problem> out = new ArrayList<>();
    String n = f.name();
    String lower = n.toLowerCase(Locale.ROOT);
    String t = f.type();
    boolean untyped = t.equals("untyped");
    if (f.help() == null || f.help().isBlank()) {
      out.add(new Problem(n, "no help text"));
    }
    unit(n).ifPresent(u -> out.add(new Problem(n, u)));
    if (t.equals("counter") && !n.endsWith("_total")) {
      out.add(new Problem(n, "counter metrics should have \"_total\" suffix"));
    } else if (!untyped && !t.equals("counter") && n.endsWith("_total")) {
      out.add(new Problem(n, "non-counter metrics should not have \"_total\" suffix"));
    }
    if (!untyped && !t.equals("gauge") && n.endsWith("_timestamp_seconds")) {
      out.add(new Problem(n, "non-gauge metrics should not have \"_timestamp_seconds\" suffix"));
    }
    if (!untyped) {
      reserved(f, out);
    }
    for (String type : TYPE_NAMES) {
      if (lower.contains("_" + type + "_") || lower.endsWith("_" + type)) {
        out.add(new Problem(n, "metric name should not include type '" + type + "'"));
      }
    }
    if (n.contains(":")) {
      out.add(new Problem(n, "metric names should not contain ':'"));
    }
    if (CAMEL.matcher(n).find()) {
      out.add(new Problem(n, "metric names should be written in 'snake_case' not 'camelCase'"));
    }
    for (Sample s : f.samples()) {
      for (String label : s.labels().keySet()) {
        if (CAMEL.matcher(label).find()) {
          out.add(new Problem(n, "label names should be written in 'snake_case' not 'camelCase'"));
        }
      }
    }
    for (String a : ABBREVIATIONS) {
      if (lower.contains("_" + a + "_") || lower.endsWith("_" + a)) {
        out.add(new Problem(n, "metric names should not contain abbreviated units"));
      }
    }
    Set<String> series = new HashSet<>();
    for (Sample s : f.samples()) {
      if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
        out.add(new Problem(n, "metric " + s.name() + s.labels() + " is duplicated"));
      }
    }
    return out;
  }

  private static void reserved(Family f, List<Problem> out) {
    String n = f.name();
    boolean histogram = f.type().equals("histogram");
    boolean summary = f.type().equals("summary");
    if (!histogram && n.endsWith("_bucket")) {
      out.add(new Problem(n, "non-histogram metrics should not have \"_bucket\" suffix"));
    }
    if (!histogram && !summary && n.endsWith("_count")) {
      out.add(
          new Problem(
              n, "non-histogram and non-summary metrics should not have \"_count\" suffix"));
    }
    if (!histogram && !summary && n.endsWith("_sum")) {
      out.add(
          new Problem(n, "non-histogram and non-summary metrics should not have \"_sum\" suffix"));
    }
    for (Sample s : f.samples()) {
      if (!histogram && s.labels().containsKey("le")) {
        out.add(new Problem(n, "non-histogram metrics should not have \"le\" label"));
      }
      if (!summary && s.labels().containsKey("quantile")) {
        out.add(new Problem(n, "non-summary metrics should not have \"quantile\" label"));
      }
    }
  }

  private static java.util.Optional<String> unit(String name) {
    for (String part : name.split("_")) {
      String base = UNITS.get(part);
      String unit = part;
      if (base == null) {
        for (String p : PREFIXES) {
          if (part.startsWith(p) && UNITS.containsKey(part.substring(p.length()))) {
            base = UNITS.get(part.substring(p.length()));
            break;
          }
        }
      }
      if (base != null) {
        return unit.equals(base)
            ? java.util.Optional.empty()
            : java.util.Optional.of("use base unit \"" + base + "\" instead of \"" + unit + "\"");
      }
    }
    return java.util.Optional.empty();
  }

  /** Every problem of every family whose name starts with {@code prefix}. */
  public static List<Problem> lint(String scrape, String prefix) {
    List<Problem> out = new ArrayList<>();
    parse(scrape).values().stream()
        .filter(f -> f.name().startsWith(prefix))
        .forEach(f -> out.addAll(lint(f)));
    return out;
  }

  /** Lints a saved scrape: {@code Promlint <file> [prefix]}; exit status 1 on any problem. */
  public static void main(String[] args) throws IOException {
    String scrape = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    String prefix = args.length > 1 ? args[1] : "";
    Map<String, Family> families = parse(scrape);
    List<Problem> problems = lint(scrape, prefix);
    long checked = families.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    problems.forEach(System.out::println);
    System.out.println(checked + " families checked, " + problems.size() + " problems");
    System.exit(problems.isEmpty() ? 0 : 1);
  }
}
