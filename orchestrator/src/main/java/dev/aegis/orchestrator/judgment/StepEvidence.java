package dev.aegis.orchestrator.judgment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The windows a step keeps for its statistics: the canary's, and the baseline's and stable's
 * reported alongside (comparison evidence, which never advances the step's clock), plus the chaos
 * faults that touched any of them.
 *
 * <p>Each list holds at most {@link #MAX_SAMPLES} windows: beyond that, neighbouring windows are
 * merged pairwise (counts summed, p95 request-weighted), so a week-long step costs bounded state
 * and the statistics still span the whole step.
 */
public record StepEvidence(
    List<WindowSample> canary,
    List<WindowSample> baseline,
    List<WindowSample> stable,
    List<ActiveFault> faults) {

  /**
   * Windows kept per track before neighbours are merged. The samples are part of the experiment's
   * stored state, rewritten once per consumed batch: 60 keep Mann-Whitney meaningful (exact up to
   * 60 values) while the state stays small on the hot path (720 cost the pipeline two thirds of its
   * throughput).
   */
  public static final int MAX_SAMPLES = 60;

  public static final StepEvidence EMPTY =
      new StepEvidence(List.of(), List.of(), List.of(), List.of());

  public StepEvidence {
    canary = canary == null ? List.of() : List.copyOf(canary);
    baseline = baseline == null ? List.of() : List.copyOf(baseline);
    stable = stable == null ? List.of() : List.copyOf(stable);
    faults = faults == null ? List.of() : List.copyOf(faults);
  }

  StepEvidence with(HealthWindow window, List<ActiveFault> touching) {
    WindowSample sample = WindowSample.of(window, touching);
    List<ActiveFault> allFaults = union(faults, touching);
    return switch (window.track()) {
      case CANARY -> new StepEvidence(append(canary, sample), baseline, stable, allFaults);
      case BASELINE -> new StepEvidence(canary, append(baseline, sample), stable, allFaults);
      case STABLE -> new StepEvidence(canary, baseline, append(stable, sample), allFaults);
    };
  }

  /**
   * What a next step starting after {@code boundary} inherits: comparison windows ending after it.
   */
  StepEvidence carriedPast(Instant boundary) {
    if (boundary == null) {
      return EMPTY;
    }
    return new StepEvidence(
        List.of(), endingAfter(baseline, boundary), endingAfter(stable, boundary), List.of());
  }

  /** The faults that touched canary windows. */
  List<ActiveFault> canaryFaults() {
    return faults.stream().filter(f -> f.track() == HealthWindow.Track.CANARY).toList();
  }

  private static List<WindowSample> endingAfter(List<WindowSample> samples, Instant boundary) {
    return samples.stream().filter(s -> s.end().isAfter(boundary)).toList();
  }

  private static List<WindowSample> append(List<WindowSample> samples, WindowSample sample) {
    List<WindowSample> out = new ArrayList<>(samples.size() + 1);
    out.addAll(samples);
    out.add(sample);
    if (out.size() <= MAX_SAMPLES) {
      return out;
    }
    List<WindowSample> merged = new ArrayList<>(out.size() / 2 + 1);
    for (int i = 0; i < out.size(); i += 2) {
      merged.add(i + 1 < out.size() ? out.get(i).merge(out.get(i + 1)) : out.get(i));
    }
    return merged;
  }

  private static List<ActiveFault> union(List<ActiveFault> known, List<ActiveFault> more) {
    if (more.isEmpty()) {
      return known;
    }
    Map<String, ActiveFault> byId = new LinkedHashMap<>();
    known.forEach(f -> byId.put(f.faultId(), f));
    more.forEach(f -> byId.putIfAbsent(f.faultId(), f));
    return new ArrayList<>(byId.values());
  }
}
