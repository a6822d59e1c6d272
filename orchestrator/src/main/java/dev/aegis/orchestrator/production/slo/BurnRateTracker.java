package dev.aegis.orchestrator.production.slo;

import dev.aegis.orchestrator.judgment.HealthWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Burn rates and multi-window alerts of one track of one service, on event time.
 *
 * <p>The tracker's clock is its <em>watermark</em>, the newest {@code windowEnd} it has observed;
 * every window it reports ends there. A health window arriving late (out of order) is added where
 * it belongs and the rules are evaluated again at the unchanged watermark, so a late window can
 * fill a gap; a window older than the longest rule window is dropped, since it can no longer
 * matter. Overlapping windows (two monitors, or a long window over short ones) add their requests
 * and errors; their time counts once towards coverage. Duplicates must be removed before (the
 * orchestrator does, by CloudEvents identity): the tracker has no identity to remove them by.
 *
 * <p>State is a ring of buckets per window, in primitive arrays of 28 bytes a bucket that grow with
 * the time the track has reported, up to {@link SloPolicy#bucketsPerWindow()} + 1 buckets each
 * (about 12 KB for the workbook's seven windows after three days; a few hundred bytes after one
 * minute), and one firing time per rule; {@link #observe} costs a few hundred additions. Not
 * thread-safe: confine a tracker to one thread or lock it ({@link BurnRateMonitor} does).
 */
public final class BurnRateTracker {

  private static final long NONE = Long.MIN_VALUE;

  private final String namespace;
  private final String service;
  private final HealthWindow.Track track;
  private final SloPolicy policy;
  private final WindowRing[] rings;
  private final int[] longRing;
  private final int[] shortRing;
  private final long[] firedAt;
  private long watermark = NONE;
  private String version;

  public BurnRateTracker(String service, HealthWindow.Track track, SloPolicy policy) {
    this(null, service, track, policy);
  }

  /**
   * The tracker of {@code service} in {@code namespace} (null: windows that carry no namespace).
   */
  public BurnRateTracker(
      String namespace, String service, HealthWindow.Track track, SloPolicy policy) {
    this.namespace = namespace;
    this.service = Objects.requireNonNull(service, "service");
    this.track = Objects.requireNonNull(track, "track");
    this.policy = Objects.requireNonNull(policy, "policy");
    List<Duration> windows = policy.windows();
    this.rings = new WindowRing[windows.size()];
    for (int i = 0; i < rings.length; i++) {
      rings[i] = new WindowRing(windows.get(i), policy.bucketsPerWindow());
    }
    List<AlertRule> rules = policy.rules();
    this.longRing = new int[rules.size()];
    this.shortRing = new int[rules.size()];
    this.firedAt = new long[rules.size()];
    for (int i = 0; i < rules.size(); i++) {
      longRing[i] = windows.indexOf(rules.get(i).longWindow());
      shortRing[i] = windows.indexOf(rules.get(i).shortWindow());
      firedAt[i] = NONE;
    }
  }

  public String service() {
    return service;
  }

  /** The service's namespace, or null for windows that carry none. */
  public String namespace() {
    return namespace;
  }

  public HealthWindow.Track track() {
    return track;
  }

  public SloPolicy policy() {
    return policy;
  }

  /**
   * Adds one health window and evaluates every rule at the watermark.
   *
   * @return the alerts that started firing or resolved because of this window, in the policy's rule
   *     order; usually empty
   * @throws IllegalArgumentException if the window is of another service or track, does not end
   *     after it starts, or has negative counts or more errors than requests
   */
  public List<AlertChange> observe(HealthWindow window) {
    return observe(window, null);
  }

  /**
   * {@link #observe(HealthWindow)}, logging every change to {@code undo} (when not null) so that
   * {@link UndoLog#undo()} takes the window back: its batch's transaction rolled back.
   */
  List<AlertChange> observe(HealthWindow window, UndoLog undo) {
    requireOwn(window);
    long start = window.windowStart().toEpochMilli();
    long end = Math.max(window.windowEnd().toEpochMilli(), start + 1); // sub-millisecond windows
    if (undo != null && undo.firstTouchOfTracker()) {
      long oldWatermark = watermark;
      String oldVersion = version;
      undo.onUndo(
          () -> {
            watermark = oldWatermark;
            version = oldVersion;
          });
    }
    if (end >= watermark) {
      watermark = end;
      version = window.version();
    }
    for (int i = 0; i < rings.length; i++) {
      rings[i].add(start, end, window.requests(), window.errors(), watermark, undo, i);
    }
    return evaluate(read(), undo);
  }

  /**
   * Bytes of bucket data the tracker holds now: what grows with the time it has reported, bounded
   * by {@link #maxBucketBytes()}.
   */
  long bucketBytes() {
    long bytes = 0;
    for (WindowRing ring : rings) {
      bytes += ring.bucketBytes();
    }
    return bytes;
  }

  /** The most bytes of bucket data the tracker can hold, whatever the traffic. */
  long maxBucketBytes() {
    long bytes = 0;
    for (WindowRing ring : rings) {
      bytes += (long) ring.slots() * WindowRing.BYTES_PER_BUCKET;
    }
    return bytes;
  }

  /** A log for {@link #observe(HealthWindow, UndoLog)} on this tracker. */
  UndoLog undoLog() {
    return new UndoLog(rings.length);
  }

  /** The newest window end observed, or empty before the first window. */
  public Optional<Instant> watermark() {
    return watermark == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(watermark));
  }

  /**
   * Resolves every firing alert at the watermark, for a track that will report no more (a canary
   * that ended): without it, its alerts would stay firing forever. The tracker keeps its data.
   *
   * @return one {@link AlertState#RESOLVED} change per firing rule
   */
  public List<AlertChange> resolveAll() {
    if (watermark == NONE) {
      return List.of();
    }
    BurnRate[] burns = read();
    List<AlertChange> changes = new ArrayList<>(0);
    for (int i = 0; i < firedAt.length; i++) {
      if (firedAt[i] != NONE) {
        changes.add(change(i, AlertState.RESOLVED, burns));
        firedAt[i] = NONE;
      }
    }
    return changes;
  }

  /** The burn rate of every window and the status of every rule, at the watermark. */
  public BurnRateSnapshot snapshot() {
    BurnRate[] burns = read();
    List<RuleStatus> statuses = new ArrayList<>(firedAt.length);
    for (int i = 0; i < firedAt.length; i++) {
      statuses.add(
          new RuleStatus(
              policy.rules().get(i),
              firedAt[i] != NONE,
              firedAt[i] == NONE ? null : Instant.ofEpochMilli(firedAt[i]),
              burns[longRing[i]].burnRate(),
              burns[shortRing[i]].burnRate()));
    }
    Instant asOf = watermark == NONE ? null : Instant.ofEpochMilli(watermark);
    return new BurnRateSnapshot(
        service, track, version, asOf, policy.objective(), List.of(burns), statuses);
  }

  private BurnRate[] read() {
    BurnRate[] burns = new BurnRate[rings.length];
    for (int i = 0; i < rings.length; i++) {
      burns[i] =
          watermark == NONE
              ? new BurnRate(rings[i].window(), 0, 0, 0, 0)
              : rings[i].read(watermark, policy.errorBudget());
    }
    return burns;
  }

  private List<AlertChange> evaluate(BurnRate[] burns, UndoLog undo) {
    List<AlertChange> changes = List.of();
    for (int i = 0; i < firedAt.length; i++) {
      double factor = policy.rules().get(i).factor();
      BurnRate longWindow = burns[longRing[i]];
      BurnRate shortWindow = burns[shortRing[i]];
      AlertState edge = null;
      if (firedAt[i] == NONE) {
        if (longWindow.canFire(factor, policy) && shortWindow.canFire(factor, policy)) {
          if (undo != null) {
            undo.save(firedAt, i);
          }
          firedAt[i] = watermark;
          edge = AlertState.FIRING;
        }
      } else if (longWindow.canResolve(factor) || shortWindow.canResolve(factor)) {
        edge = AlertState.RESOLVED;
      }
      if (edge != null) {
        if (changes.isEmpty()) {
          changes = new ArrayList<>(2);
        }
        changes.add(change(i, edge, burns));
        if (edge == AlertState.RESOLVED) {
          if (undo != null) {
            undo.save(firedAt, i);
          }
          firedAt[i] = NONE;
        }
      }
    }
    return changes;
  }

  private AlertChange change(int rule, AlertState state, BurnRate[] burns) {
    return new AlertChange(
        service,
        track,
        version,
        policy.rules().get(rule),
        state,
        Instant.ofEpochMilli(watermark),
        Instant.ofEpochMilli(firedAt[rule]),
        burns[longRing[rule]].burnRate(),
        burns[shortRing[rule]].burnRate(),
        policy.objective(),
        namespace);
  }

  private void requireOwn(HealthWindow window) {
    if (!service.equals(window.service())
        || !Objects.equals(namespace, window.namespace())
        || track != window.track()) {
      throw new IllegalArgumentException(
          "window of "
              + window.service()
              + "/"
              + window.track()
              + " fed to the tracker of "
              + service
              + "/"
              + track);
    }
    if (!window.windowEnd().isAfter(window.windowStart())) {
      throw new IllegalArgumentException(
          "windowEnd " + window.windowEnd() + " must be after windowStart " + window.windowStart());
    }
    if (window.requests() < 0 || window.errors() < 0 || window.errors() > window.requests()) {
      throw new IllegalArgumentException(
          "need 0 <= errors <= requests, got "
              + window.errors()
              + " errors of "
              + window.requests());
    }
  }
}
