package dev.aegis.orchestrator.bench.quality;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The accounting of one judge over a set of runs: what it decided for good and for bad candidates,
 * and how long (event time from the run's start) each decision took.
 */
final class Tally {

  private int good;
  private int bad;
  private int badRolledBack;
  private int badPromoted;
  private int goodRolledBack;
  private int goodPromoted;
  private int paused;
  private int undecided;
  private final List<Double> decisionMinutes = new ArrayList<>();
  private final List<Double> catchMinutes = new ArrayList<>();
  private final List<Double> promoteMinutes = new ArrayList<>();

  /** Records one run; {@code outcome} is empty when the stream ended without a decision. */
  void add(Label label, Instant start, Optional<Judge.Outcome> outcome) {
    if (label == Label.GOOD) {
      good++;
    } else {
      bad++;
    }
    if (outcome.isEmpty()) {
      undecided++;
      return;
    }
    Judge.Outcome o = outcome.get();
    double minutes = Duration.between(start, o.at()).toMillis() / 60_000.0;
    switch (o.decision()) {
      case PAUSE -> paused++;
      case ROLLBACK -> {
        decisionMinutes.add(minutes);
        if (label == Label.BAD) {
          badRolledBack++;
          catchMinutes.add(minutes);
        } else {
          goodRolledBack++;
        }
      }
      case PROMOTE -> {
        decisionMinutes.add(minutes);
        if (label == Label.BAD) {
          badPromoted++;
        } else {
          goodPromoted++;
          promoteMinutes.add(minutes);
        }
      }
    }
  }

  /** Adds another tally's runs to this one. */
  void addAll(Tally other) {
    good += other.good;
    bad += other.bad;
    badRolledBack += other.badRolledBack;
    badPromoted += other.badPromoted;
    goodRolledBack += other.goodRolledBack;
    goodPromoted += other.goodPromoted;
    paused += other.paused;
    undecided += other.undecided;
    decisionMinutes.addAll(other.decisionMinutes);
    catchMinutes.addAll(other.catchMinutes);
    promoteMinutes.addAll(other.promoteMinutes);
  }

  int runs() {
    return good + bad;
  }

  int good() {
    return good;
  }

  int bad() {
    return bad;
  }

  int badRolledBack() {
    return badRolledBack;
  }

  int badPromoted() {
    return badPromoted;
  }

  int goodRolledBack() {
    return goodRolledBack;
  }

  int goodPromoted() {
    return goodPromoted;
  }

  int paused() {
    return paused;
  }

  int undecided() {
    return undecided;
  }

  /** Bad candidates rolled back, over bad candidates; NaN without bad ones. */
  double caughtShare() {
    return share(badRolledBack, bad);
  }

  /** Good candidates rolled back, over good candidates; NaN without good ones. */
  double falseRollbackShare() {
    return share(goodRolledBack, good);
  }

  /** Runs held for a human or left undecided when the stream ended, over all runs. */
  double pausedOrUndecidedShare() {
    return share(paused + undecided, runs());
  }

  /** Runs held for a human (paused), over all runs; NaN without runs. */
  double pausedShare() {
    return share(paused, runs());
  }

  /**
   * Time to a decision (promote or roll back), over the runs that reached one: the q-quantile, or
   * NaN.
   */
  double decisionMinutes(double q) {
    return quantile(decisionMinutes, q);
  }

  /**
   * Time to roll back (quarantine) a bad candidate, over the bad ones caught: the q-quantile, or
   * NaN. One window is one minute of event time, so this is also windows to quarantine.
   */
  double catchMinutes(double q) {
    return quantile(catchMinutes, q);
  }

  /**
   * Time to promote a good candidate, over the good ones promoted: the q-quantile, or NaN. (Bad
   * candidates promoted are misses, counted apart.)
   */
  double promoteMinutes(double q) {
    return quantile(promoteMinutes, q);
  }

  private static double share(int part, int whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
  }

  /** Nearest-rank quantile: the smallest value with at least q of the values at or below it. */
  static double quantile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
