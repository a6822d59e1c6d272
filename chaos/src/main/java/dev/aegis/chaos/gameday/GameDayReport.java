package dev.aegis.chaos.gameday;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a game day did and whether it passed: the experiment and the fault, expected against actual,
 * the RCA's summary, timings and the phases seen.
 *
 * @param atStep the step the fault was to be injected at (0: right after submission)
 * @param mechanism how the fault was injected ({@code native}, {@code chaos-mesh}), as the API said
 * @param actualPhase where the experiment was when the run stopped waiting; null if never submitted
 * @param rcaFaultIds the fault ids the RCA's {@code activeFaults} name (QUARANTINED only)
 * @param reason why it passed or failed, one line
 * @param stepReachedAt when the experiment was seen at {@code atStep}; null if never
 * @param injectedAt when the fault was accepted; null if not injected
 * @param decidedAt when the experiment was seen settled; null if it did not settle in time
 * @param milestones what the runner saw, in order: submission, phase and step changes, injection,
 *     decision
 * @param history the experiment's transitions as Aegis recorded them
 * @param cleanup what the run undid at the end (fault revert, experiment abort) or could not
 */
public record GameDayReport(
    String name,
    String description,
    String source,
    int atStep,
    String experimentId,
    String candidateVersion,
    String faultId,
    String mechanism,
    String faultSummary,
    GameDay.Expectation expected,
    String actualPhase,
    int actualStep,
    String rcaSummary,
    List<String> rcaFaultIds,
    boolean passed,
    String reason,
    Instant startedAt,
    Instant stepReachedAt,
    Instant injectedAt,
    Instant decidedAt,
    Instant finishedAt,
    List<Milestone> milestones,
    List<HistoryEntry> history,
    List<String> cleanup) {

  public GameDayReport {
    rcaFaultIds = List.copyOf(rcaFaultIds);
    milestones = List.copyOf(milestones);
    history = List.copyOf(history);
    cleanup = List.copyOf(cleanup);
  }

  /** One thing the runner saw, at its clock's time. */
  public record Milestone(Instant at, String what) {}

  /** One transition of the experiment, as {@code history[]} of the experiment view has it. */
  public record HistoryEntry(Instant at, String from, String to, String reason) {}

  /** From submission to the step the fault waited for. */
  public Optional<Duration> submittedToStep() {
    return between(startedAt, stepReachedAt);
  }

  /** From the injection to the settled phase. */
  public Optional<Duration> injectionToDecision() {
    return between(injectedAt, decidedAt);
  }

  /** The whole run, cleanup included. */
  public Duration total() {
    return Duration.between(startedAt, finishedAt);
  }

  /** The report for a terminal. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("Game day ")
        .append(name)
        .append(": ")
        .append(passed ? "PASSED" : "FAILED")
        .append('\n');
    if (!description.isBlank()) {
      out.append("  ").append(description.strip()).append('\n');
    }
    row(out, "source", source);
    row(
        out,
        "experiment",
        experimentId == null
            ? "(not submitted)"
            : experimentId
                + (candidateVersion == null ? "" : " (candidate " + candidateVersion + ")"));
    row(
        out,
        "fault",
        faultId == null
            ? "(not injected)"
            : faultId
                + " via "
                + (mechanism == null ? "?" : mechanism)
                + (faultSummary == null ? "" : ": " + faultSummary));
    row(
        out,
        "expected",
        expected.phase()
            + " within "
            + expected.within()
            + " of the injection"
            + (expected.rcaNamesFault() ? ", with an RCA naming the fault" : ""));
    row(
        out,
        "actual",
        actualPhase == null
            ? "(none)"
            : actualPhase
                + " at step "
                + actualStep
                + injectionToDecision()
                    .map(d -> ", " + seconds(d) + " after the injection")
                    .orElse(""));
    if (rcaSummary != null) {
      row(
          out,
          "RCA",
          rcaSummary
              + (rcaFaultIds.isEmpty() ? "" : " [faults: " + String.join(", ", rcaFaultIds) + "]"));
    }
    row(
        out,
        "timings",
        "submitted → step "
            + atStep
            + ": "
            + submittedToStep().map(GameDayReport::seconds).orElse("—")
            + " | injection → decision: "
            + injectionToDecision().map(GameDayReport::seconds).orElse("—")
            + " | total: "
            + seconds(total()));
    out.append("  timeline\n");
    for (Milestone m : milestones) {
      out.append(
          String.format(
              Locale.ROOT,
              "    %9s  %s%n",
              "+" + seconds(Duration.between(startedAt, m.at())),
              m.what()));
    }
    if (!history.isEmpty()) {
      out.append("  experiment history (Aegis's clock)\n");
      for (HistoryEntry h : history) {
        out.append("    ")
            .append(h.at())
            .append("  ")
            .append(h.from() == null ? "" : h.from() + " → ")
            .append(h.to())
            .append(h.reason() == null ? "" : ": " + h.reason())
            .append('\n');
      }
    }
    for (String line : cleanup) {
      row(out, "cleanup", line);
    }
    row(out, "result", (passed ? "PASSED: " : "FAILED: ") + reason);
    return out.toString();
  }

  private static void row(StringBuilder out, String label, String value) {
    out.append(String.format(Locale.ROOT, "  %-11s %s%n", label, value));
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static Optional<Duration> between(Instant from, Instant to) {
    return from == null || to == null ? Optional.empty() : Optional.of(Duration.between(from, to));
  }
}
