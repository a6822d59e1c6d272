package dev.aegis.orchestrator.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.StepEvidence;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A canary's draft judgment stored by reference (V13, ADR-014): {@code [1, verdict, step, at,
 * failures]}, or {@code [1, verdict, step, at, failures, unjudged]}, in {@code last_judgment}
 * instead of the judgment's text.
 *
 * <p>A draft (IN_PROGRESS or HOLD, {@link dev.aegis.orchestrator.judgment.StepJudge#draft}) is a
 * pure function of the policy, the step, the evidence the judge saw and the window's time. When
 * that evidence is the progress written in the same row (its samples in the journal) but for the
 * failure count the judge saw before counting one, the row stores the verdict, step, time and that
 * count, and a read rebuilds the draft; its checks and text are written when first read, exactly as
 * the core's draft would write them. Storing the text every window cost the consumer thread about a
 * fifth of its time at 10 000 experiments, and PostgreSQL a compressed TOAST value per window
 * (docs/benchmarks.md, "Draft judgments stored by reference").
 *
 * <p>A draft that judged an earlier part of the row's samples (a baseline window arrived after the
 * last canary window: {@link StepProgress#compare} changes the samples and nothing else) is stored
 * by reference too when that part is a prefix of the row's journal range after the write: {@code
 * [1, verdict, step, at, failures, unjudged]}, where the draft judged the range's samples but its
 * last {@code unjudged} journal rows. A read replays that prefix. Every other judgment (conclusive,
 * silence, a draft whose evidence is not such a prefix) is stored with its text, as before.
 */
final class DraftReference {

  /**
   * The reference as read: enough, with the row's policy, step and progress, to rebuild it.
   *
   * @param unjudged the journal rows at the end of the row's range the draft did not judge (0: it
   *     judged the row's samples)
   */
  record Ref(Verdict verdict, int step, Instant at, int failures, int unjudged) {}

  private static final int FORMAT = 1;

  private DraftReference() {}

  /**
   * The reference that stores {@code e}'s last judgment with {@code e}'s progress written by {@code
   * write}: to the whole journal range when the draft judged the samples {@code e} carries, to its
   * prefix when it judged fewer (which the write's entries must begin with); null when it must be
   * stored with its text.
   */
  static Ref of(Experiment e, StepSampleRepository.Write write) {
    Judgment j = e.judgmentAsDecided();
    if (j == null || e.phase() != Phase.CANARY || j.verdict().isConclusive()) {
      return null;
    }
    StepProgress judged = j.judged();
    if (judged == null || j.step() != e.stepIndex() + 1) {
      return null;
    }
    StepProgress stored = e.progress();
    int unjudged = 0;
    if (!Objects.equals(judged.samples(), stored.samples())) {
      unjudged = unjudged(judged.samples(), write);
      if (unjudged <= 0) {
        return null;
      }
    }
    StepProgress bare = stored.withoutSamples();
    if (!j.progress().equals(bare)
        || !judged.withoutSamples().withFailures(stored.failures()).equals(bare)) {
      return null;
    }
    return new Ref(j.verdict(), j.step(), j.at(), judged.failures(), unjudged);
  }

  /**
   * How many of {@code write}'s entries, at its end, come after {@code judged}: the journal range
   * after the write without them replays to {@code judged}. -1 when no prefix does.
   */
  private static int unjudged(StepEvidence judged, StepSampleRepository.Write write) {
    Optional<List<StepEvidence.Entry>> judgedEntries =
        write.snapshot()
            ? Optional.of(judged.asEntries())
            : write.base() == null ? Optional.empty() : judged.since(write.base());
    if (judgedEntries.isEmpty()) {
      return -1;
    }
    List<StepEvidence.Entry> entries = write.entries();
    int m = judgedEntries.get().size();
    if (m > entries.size() || !entries.subList(0, m).equals(judgedEntries.get())) {
      return -1;
    }
    return entries.size() - m;
  }

  /** {@code ref} as the {@code last_judgment} column stores it. */
  static String write(Ref ref) {
    return "["
        + FORMAT
        + ",\""
        + ref.verdict().name()
        + "\","
        + ref.step()
        + ","
        + (ref.at() == null ? "null" : "\"" + ref.at() + "\"")
        + ","
        + ref.failures()
        + (ref.unjudged() == 0 ? "" : "," + ref.unjudged())
        + "]";
  }

  /**
   * Whether {@code stored} (a {@code last_judgment} text) is a reference rather than a judgment.
   */
  static boolean isReference(String stored) {
    return stored != null && !stored.isEmpty() && stored.charAt(0) == '[';
  }

  /**
   * The reference in {@code stored}.
   *
   * @throws IllegalStateException when it is not one this version writes
   */
  static Ref read(String stored) {
    try {
      JsonNode a = StateJson.mapper().readTree(stored);
      if (!a.isArray()
          || (a.size() != 5 && a.size() != 6)
          || !isInt(a.get(0))
          || a.get(0).asInt() != FORMAT) {
        throw new IllegalStateException("not a draft reference of format " + FORMAT);
      }
      if (a.size() == 6 && (!isInt(a.get(5)) || a.get(5).asInt() < 1)) {
        throw new IllegalStateException("not a count of unjudged journal rows");
      }
      Verdict verdict = Verdict.valueOf(a.get(1).asText());
      if (verdict.isConclusive()
          || !isInt(a.get(2))
          || a.get(2).asInt() < 1
          || !isInt(a.get(4))
          || a.get(4).asInt() < 0) {
        throw new IllegalStateException("not a draft's verdict, step and failure count");
      }
      Instant at = a.get(3).isNull() ? null : Instant.parse(a.get(3).asText());
      return new Ref(
          verdict, a.get(2).asInt(), at, a.get(4).asInt(), a.size() == 6 ? a.get(5).asInt() : 0);
    } catch (JsonProcessingException | RuntimeException e) {
      // Jackson, the enum, the time and the shape checks above: one message naming the text.
      throw new IllegalStateException(
          "stored draft judgment is unreadable (" + e.getMessage() + "): " + stored, e);
    }
  }

  private static boolean isInt(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToInt();
  }

  /**
   * The draft {@code ref} stands for in {@code e}, whose progress carries its samples; {@code
   * judged} are the samples the draft judged when {@code ref} has unjudged rows (ignored
   * otherwise).
   *
   * @throws IllegalStateException when {@code e} is not at the reference's step in CANARY, or the
   *     judged samples are missing
   */
  static Judgment resolve(Ref ref, Experiment e, StepEvidence judged) {
    if (e.phase() != Phase.CANARY || ref.step() != e.stepIndex() + 1) {
      throw new IllegalStateException(
          "stored draft judgment of step "
              + ref.step()
              + " does not belong to experiment "
              + e.id()
              + " in "
              + e.phase()
              + " at step "
              + (e.stepIndex() + 1));
    }
    StepProgress stored = e.progress();
    StepProgress seen = stored;
    if (ref.unjudged() > 0) {
      if (judged == null) {
        throw new IllegalStateException(
            "the samples the stored draft judgment of experiment "
                + e.id()
                + " judged are missing");
      }
      seen = stored.withSamples(judged);
    }
    return Judgment.reread(
        e.policy(),
        e.stepIndex(),
        ref.verdict(),
        ref.at(),
        seen.withFailures(ref.failures()),
        stored);
  }
}
