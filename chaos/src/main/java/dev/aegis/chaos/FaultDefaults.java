package dev.aegis.chaos;

import static dev.aegis.chaos.FaultRefusedException.DURATION_TOO_LONG;
import static dev.aegis.chaos.FaultRefusedException.INVALID_DURATION;
import static dev.aegis.chaos.FaultRefusedException.INVALID_PARAMETERS;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Fills the parameters a fault kind needs with their defaults and refuses values out of range, and
 * members the kind does not use, with {@link FaultRefusedException#INVALID_PARAMETERS} and a
 * message naming the member and its allowed range. Pure.
 *
 * <table>
 *   <caption>Members per kind (default; allowed range)</caption>
 *   <tr><td>pod-kill</td><td>share (0.5; (0, 1]), maxPods (pod-kill max pods; 1..pod-kill max pods)</td></tr>
 *   <tr><td>latency</td><td>delayMs (500; 1..60000), percent (100; (0, 100])</td></tr>
 *   <tr><td>abort</td><td>httpStatus (503; 400..599), percent (100; (0, 100])</td></tr>
 *   <tr><td>dependency-outage</td><td>dependency (required; a DNS-1123 label other than the target), httpStatus
 *       (503; 400..599)</td></tr>
 *   <tr><td>cpu-stress</td><td>workers (1; 1..32), image (the configured stress image)</td></tr>
 *   <tr><td>memory-stress</td><td>workers (1; 1..8), memory (256Mi; 1Mi..16Gi), image (the configured stress
 *       image)</td></tr>
 *   <tr><td>network-partition</td><td>none</td></tr>
 * </table>
 */
public final class FaultDefaults {

  public static final double DEFAULT_SHARE = 0.5;
  public static final long DEFAULT_DELAY_MS = 500;
  public static final long MAX_DELAY_MS = 60_000;
  public static final int DEFAULT_HTTP_STATUS = 503;
  public static final double DEFAULT_PERCENT = 100;
  public static final int DEFAULT_WORKERS = 1;
  public static final int MAX_CPU_WORKERS = 32;
  public static final int MAX_MEMORY_WORKERS = 8;
  public static final String DEFAULT_MEMORY = "256Mi";
  private static final BigDecimal MIN_MEMORY = BigDecimal.valueOf(1L << 20);
  private static final BigDecimal MAX_MEMORY = BigDecimal.valueOf(16L << 30);
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  /** Every member of {@link FaultParameters}, by its JSON name. */
  private static final Map<String, Function<FaultParameters, Object>> MEMBERS = members();

  private FaultDefaults() {}

  /** The members {@code kind} uses, in the order of {@link FaultParameters}. */
  public static List<String> membersOf(FaultKind kind) {
    return switch (kind) {
      case POD_KILL -> List.of("share", "maxPods");
      case LATENCY -> List.of("delayMs", "percent");
      case ABORT -> List.of("httpStatus", "percent");
      case DEPENDENCY_OUTAGE -> List.of("httpStatus", "dependency");
      case CPU_STRESS -> List.of("workers", "image");
      case MEMORY_STRESS -> List.of("workers", "memory", "image");
      case NETWORK_PARTITION -> List.of();
    };
  }

  /**
   * {@code spec} with its parameters completed, after checking its duration against {@code
   * settings.maxDuration()} and its parameters against the kind's ranges.
   *
   * @throws FaultRefusedException {@code invalid-duration}, {@code duration-too-long} or {@code
   *     invalid-parameters}
   */
  public static FaultSpec apply(FaultSpec spec, ChaosSettings settings) {
    if (spec.duration() == null || spec.duration().isNegative() || spec.duration().isZero()) {
      throw new FaultRefusedException(
          INVALID_DURATION, "a fault needs a positive duration, e.g. PT5M");
    }
    if (spec.duration().compareTo(settings.maxDuration()) > 0) {
      throw new FaultRefusedException(
          DURATION_TOO_LONG,
          "duration "
              + spec.duration()
              + " is over the maximum "
              + settings.maxDuration()
              + " (aegis.chaos.max-duration)");
    }
    FaultParameters filled = apply(spec.kind(), spec.parameters(), settings);
    if (spec.kind() == FaultKind.DEPENDENCY_OUTAGE
        && filled.dependency().equals(spec.target().service())) {
      throw invalid(
          "parameters.dependency must name another service than the target "
              + spec.target().service());
    }
    return new FaultSpec(spec.kind(), spec.target(), spec.duration(), filled);
  }

  /**
   * {@code parameters} with {@code kind}'s defaults filled in.
   *
   * @throws FaultRefusedException {@code invalid-parameters}, naming the member
   */
  public static FaultParameters apply(
      FaultKind kind, FaultParameters parameters, ChaosSettings settings) {
    FaultParameters p = parameters == null ? FaultParameters.NONE : parameters;
    check(kind, p);
    return switch (kind) {
      case POD_KILL -> {
        int maxPods = p.maxPods() == null ? settings.podKillMaxPods() : p.maxPods();
        if (maxPods > settings.podKillMaxPods()) {
          throw invalid(
              "parameters.maxPods must be in 1.."
                  + settings.podKillMaxPods()
                  + " (aegis.chaos.pod-kill-max-pods), was "
                  + maxPods);
        }
        yield new FaultParameters(
            or(p.share(), DEFAULT_SHARE), maxPods, null, null, null, null, null, null, null);
      }
      case LATENCY ->
          new FaultParameters(
              null,
              null,
              or(p.delayMs(), DEFAULT_DELAY_MS),
              null,
              or(p.percent(), DEFAULT_PERCENT),
              null,
              null,
              null,
              null);
      case ABORT ->
          new FaultParameters(
              null,
              null,
              null,
              or(p.httpStatus(), DEFAULT_HTTP_STATUS),
              or(p.percent(), DEFAULT_PERCENT),
              null,
              null,
              null,
              null);
      case DEPENDENCY_OUTAGE ->
          new FaultParameters(
              null,
              null,
              null,
              or(p.httpStatus(), DEFAULT_HTTP_STATUS),
              null,
              p.dependency(),
              null,
              null,
              null);
      case CPU_STRESS ->
          new FaultParameters(
              null,
              null,
              null,
              null,
              null,
              null,
              or(p.workers(), DEFAULT_WORKERS),
              null,
              or(p.image(), settings.stressImage()));
      case MEMORY_STRESS ->
          new FaultParameters(
              null,
              null,
              null,
              null,
              null,
              null,
              or(p.workers(), DEFAULT_WORKERS),
              or(p.memory(), DEFAULT_MEMORY),
              or(p.image(), settings.stressImage()));
      case NETWORK_PARTITION -> FaultParameters.NONE;
    };
  }

  /**
   * Checks what does not depend on settings: no member the kind does not use, required members
   * present, every given member in its range.
   *
   * @throws FaultRefusedException {@code invalid-parameters}, naming the member
   */
  public static void check(FaultKind kind, FaultParameters parameters) {
    FaultParameters p = parameters == null ? FaultParameters.NONE : parameters;
    List<String> used = membersOf(kind);
    MEMBERS.forEach(
        (name, getter) -> {
          if (getter.apply(p) != null && !used.contains(name)) {
            throw invalid(
                "parameters."
                    + name
                    + " is not used by "
                    + kind.wireName()
                    + " ("
                    + (used.isEmpty()
                        ? "it takes no parameters"
                        : "it takes " + String.join(", ", used))
                    + ")");
          }
        });
    if (p.share() != null && !(p.share() > 0 && p.share() <= 1)) {
      throw invalid("parameters.share must be in (0, 1], was " + p.share());
    }
    if (p.maxPods() != null && p.maxPods() < 1) {
      throw invalid("parameters.maxPods must be at least 1, was " + p.maxPods());
    }
    if (p.delayMs() != null && (p.delayMs() < 1 || p.delayMs() > MAX_DELAY_MS)) {
      throw invalid("parameters.delayMs must be in 1.." + MAX_DELAY_MS + ", was " + p.delayMs());
    }
    if (p.percent() != null && !(p.percent() > 0 && p.percent() <= 100)) {
      throw invalid("parameters.percent must be in (0, 100], was " + p.percent());
    }
    if (p.httpStatus() != null && (p.httpStatus() < 400 || p.httpStatus() > 599)) {
      throw invalid("parameters.httpStatus must be in 400..599, was " + p.httpStatus());
    }
    if (kind == FaultKind.DEPENDENCY_OUTAGE && p.dependency() == null) {
      throw invalid(
          "parameters.dependency is required by dependency-outage: the service whose route fails");
    }
    if (p.dependency() != null && !p.dependency().matches(DNS_LABEL)) {
      throw invalid(
          "parameters.dependency must be a service name (a DNS-1123 label), was '"
              + p.dependency()
              + "'");
    }
    int maxWorkers = kind == FaultKind.MEMORY_STRESS ? MAX_MEMORY_WORKERS : MAX_CPU_WORKERS;
    if (p.workers() != null && (p.workers() < 1 || p.workers() > maxWorkers)) {
      throw invalid("parameters.workers must be in 1.." + maxWorkers + ", was " + p.workers());
    }
    if (p.memory() != null) {
      checkMemory(p.memory());
    }
    if (p.image() != null
        && (p.image().isBlank() || p.image().length() > 255 || p.image().matches(".*\\s.*"))) {
      throw invalid(
          "parameters.image must be an image reference without spaces, at most 255 characters, was '"
              + p.image()
              + "'");
    }
  }

  /** A memory quantity in bytes, rounded up, e.g. {@code 256Mi} → 268435456. */
  public static long bytes(String memory) {
    return Quantity.getAmountInBytes(new Quantity(memory))
        .setScale(0, RoundingMode.CEILING)
        .longValueExact();
  }

  private static void checkMemory(String memory) {
    BigDecimal amount;
    try {
      amount = Quantity.getAmountInBytes(new Quantity(memory));
    } catch (RuntimeException e) {
      throw invalid(
          "parameters.memory must be a Kubernetes quantity such as 256Mi, was '" + memory + "'");
    }
    if (amount.compareTo(MIN_MEMORY) < 0 || amount.compareTo(MAX_MEMORY) > 0) {
      throw invalid("parameters.memory must be in 1Mi..16Gi, was " + memory);
    }
  }

  private static FaultRefusedException invalid(String message) {
    return new FaultRefusedException(INVALID_PARAMETERS, message);
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static Map<String, Function<FaultParameters, Object>> members() {
    Map<String, Function<FaultParameters, Object>> members = new LinkedHashMap<>();
    members.put("share", FaultParameters::share);
    members.put("maxPods", FaultParameters::maxPods);
    members.put("delayMs", FaultParameters::delayMs);
    members.put("httpStatus", FaultParameters::httpStatus);
    members.put("percent", FaultParameters::percent);
    members.put("dependency", FaultParameters::dependency);
    members.put("workers", FaultParameters::workers);
    members.put("memory", FaultParameters::memory);
    members.put("image", FaultParameters::image);
    return members;
  }
}
