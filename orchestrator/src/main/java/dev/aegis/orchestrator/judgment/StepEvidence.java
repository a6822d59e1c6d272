package dev.aegis.orchestrator.judgment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
   * Windows kept per track before neighbours are merged: 60 keep Mann-Whitney meaningful (exact up
   * to 60 values) while a step's state stays bounded. The samples are stored as a journal of {@link
   * Entry entries} (appended per window, written afresh after a merge or a new step), not with the
   * experiment's row.
   */
  public static final int MAX_SAMPLES = 60;

  public static final StepEvidence EMPTY =
      new StepEvidence(List.of(), List.of(), List.of(), List.of());

  public StepEvidence {
    canary = Samples.of(canary);
    baseline = Samples.of(baseline);
    stable = Samples.of(stable);
    faults = faults == null ? List.of() : List.copyOf(faults);
  }

  StepEvidence with(HealthWindow window, List<ActiveFault> touching) {
    return plus(new Entry(window.track(), WindowSample.of(window, touching), touching, false));
  }

  /**
   * One entry of a step's sample journal, the shape in which the samples are stored (append-only,
   * see {@link #since}): a sample of {@code track} and the faults it adds to the step's union.
   *
   * @param track the sample's track; null for an entry carrying faults only
   * @param sample the window kept; null with a null track
   * @param faults faults added to the step's union by this entry, in order (empty for none)
   * @param seed whether the entry restores a stored list as it was (appended without merging)
   *     rather than adding a window (appended, merging neighbours beyond {@link #MAX_SAMPLES})
   */
  public record Entry(
      HealthWindow.Track track, WindowSample sample, List<ActiveFault> faults, boolean seed) {
    public Entry {
      faults = faults == null ? List.of() : List.copyOf(faults);
      if ((track == null) != (sample == null)) {
        throw new IllegalArgumentException("an entry has both a track and a sample, or neither");
      }
    }
  }

  /**
   * This evidence with {@code entry} applied: how the core adds a window and how a load replays.
   */
  public StepEvidence plus(Entry entry) {
    List<ActiveFault> allFaults = union(faults, entry.faults());
    if (entry.track() == null) {
      return new StepEvidence(canary, baseline, stable, allFaults);
    }
    WindowSample sample = entry.sample();
    boolean seed = entry.seed();
    return switch (entry.track()) {
      case CANARY -> new StepEvidence(append(canary, sample, seed), baseline, stable, allFaults);
      case BASELINE -> new StepEvidence(canary, append(baseline, sample, seed), stable, allFaults);
      case STABLE -> new StepEvidence(canary, baseline, append(stable, sample, seed), allFaults);
    };
  }

  /** The evidence {@code entries} replay to, from {@link #EMPTY}. */
  public static StepEvidence replay(List<Entry> entries) {
    StepEvidence e = EMPTY;
    for (Entry entry : entries) {
      e = e.plus(entry);
    }
    return e;
  }

  /** This evidence as seed entries: replayed, they give it back exactly, whatever it holds. */
  public List<Entry> asEntries() {
    List<Entry> out = new ArrayList<>(canary.size() + baseline.size() + stable.size() + 1);
    if (!faults.isEmpty()) {
      out.add(new Entry(null, null, faults, true));
    }
    canary.forEach(s -> out.add(new Entry(HealthWindow.Track.CANARY, s, List.of(), true)));
    baseline.forEach(s -> out.add(new Entry(HealthWindow.Track.BASELINE, s, List.of(), true)));
    stable.forEach(s -> out.add(new Entry(HealthWindow.Track.STABLE, s, List.of(), true)));
    return out;
  }

  /**
   * The entries that, appended to {@code stored}'s, give this evidence: present when this evidence
   * is {@code stored} with windows added and no neighbours merged since; empty otherwise (a merge,
   * a new step), when it must be stored afresh with {@link #asEntries()}.
   */
  public Optional<List<Entry>> since(StepEvidence stored) {
    return entriesFrom(stored, false);
  }

  /**
   * {@link #since(StepEvidence)}, seeing through merges: {@code path} is the evidence after each
   * change the core made since {@code stored}, in order, ending with this one. A single window that
   * makes its track pass {@link #MAX_SAMPLES} merges the track's neighbours, yet it stays the
   * merged track's last sample, alone (the track then has an odd number of samples), so appending
   * that window as an ordinary entry replays the merge. Empty when a change on the way was anything
   * else (a new step, several windows at once) or {@code path} does not end with this evidence: the
   * samples are then stored afresh.
   */
  public Optional<List<Entry>> since(StepEvidence stored, List<StepEvidence> path) {
    Optional<List<Entry>> appended = since(stored);
    if (appended.isPresent() || path.isEmpty() || !path.get(path.size() - 1).equals(this)) {
      return appended;
    }
    List<Entry> out = new ArrayList<>();
    StepEvidence previous = stored;
    for (StepEvidence next : path) {
      Optional<List<Entry>> step = next.entriesFrom(previous, true);
      if (step.isEmpty()) {
        return Optional.empty();
      }
      out.addAll(step.get());
      previous = next;
    }
    return Optional.of(out);
  }

  /**
   * The entries that take {@code previous} to this evidence: each track's appended samples and,
   * when {@code throughMerge}, a track's last sample whose arrival merged its neighbours (at most
   * one window per track added); empty when neither explains a track or a fault went away.
   */
  private Optional<List<Entry>> entriesFrom(StepEvidence previous, boolean throughMerge) {
    if (!extendsList(faults, previous.faults)) {
      return Optional.empty();
    }
    List<ActiveFault> newFaults = faults.subList(previous.faults.size(), faults.size());
    List<Entry> out = new ArrayList<>();
    if (!newFaults.isEmpty()) {
      out.add(new Entry(null, null, newFaults, false));
    }
    if (!added(HealthWindow.Track.CANARY, canary, previous.canary, throughMerge, out)
        || !added(HealthWindow.Track.BASELINE, baseline, previous.baseline, throughMerge, out)
        || !added(HealthWindow.Track.STABLE, stable, previous.stable, throughMerge, out)) {
      return Optional.empty();
    }
    return Optional.of(out);
  }

  /**
   * Adds to {@code out} the entries of {@code track} that take {@code before} to {@code now}: its
   * tail when {@code now} extends {@code before}, else, when {@code throughMerge}, its last sample
   * when appending that one merges {@code before} into {@code now}; false when neither does.
   */
  private static boolean added(
      HealthWindow.Track track,
      List<WindowSample> now,
      List<WindowSample> before,
      boolean throughMerge,
      List<Entry> out) {
    if (extendsList(now, before)) {
      tail(now, before).forEach(s -> out.add(new Entry(track, s, List.of(), false)));
      return true;
    }
    if (!throughMerge || now.isEmpty() || now.size() >= before.size()) {
      return false; // a merge leaves fewer samples than there were
    }
    WindowSample last = now.get(now.size() - 1);
    if (!append(before, last, false).equals(now)) {
      return false;
    }
    out.add(new Entry(track, last, List.of(), false));
    return true;
  }

  /** Samples kept over all tracks: the weight of this evidence in memory. */
  public int size() {
    return canary.size() + baseline.size() + stable.size();
  }

  /**
   * Whether {@code longer} starts with {@code prefix}. Kept samples are shared between an evidence
   * and the ones built from it, so the same object answers first; {@code equals} only when it is
   * not (an evidence read back from the journal).
   */
  private static <T> boolean extendsList(List<T> longer, List<T> prefix) {
    if (longer.size() < prefix.size()) {
      return false;
    }
    for (int i = 0; i < prefix.size(); i++) {
      T a = longer.get(i);
      T b = prefix.get(i);
      if (a != b && !a.equals(b)) {
        return false;
      }
    }
    return true;
  }

  private static <T> List<T> tail(List<T> longer, List<T> prefix) {
    return longer.subList(prefix.size(), longer.size());
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

  private static List<WindowSample> append(
      List<WindowSample> samples, WindowSample sample, boolean seed) {
    Samples out = Samples.of(samples).plus(sample);
    if (seed || out.size() <= MAX_SAMPLES) {
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
