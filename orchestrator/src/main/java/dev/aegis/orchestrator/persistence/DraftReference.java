package dev.aegis.orchestrator.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import java.time.Instant;
import java.util.Objects;

/**
 * A canary's draft judgment stored by reference (V13, ADR-014): {@code [1, verdict, step, at,
 * failures]} in {@code last_judgment} instead of the judgment's text.
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
 * <p>A draft that judged other evidence than the row's (a baseline window arrived after the last
 * canary window) and every other judgment are stored with their text, as before.
 */
final class DraftReference {

  /** The reference as read: enough, with the row's policy, step and progress, to rebuild it. */
  record Ref(Verdict verdict, int step, Instant at, int failures) {}

  private static final int FORMAT = 1;

  private DraftReference() {}

  /**
   * The reference that stores {@code e}'s last judgment with {@code e}'s progress, or null when it
   * must be stored with its text.
   */
  static Ref of(Experiment e) {
    Judgment j = e.judgmentAsDecided();
    if (j == null || e.phase() != Phase.CANARY || j.verdict().isConclusive()) {
      return null;
    }
    StepProgress judged = j.judged();
    if (judged == null || j.step() != e.stepIndex() + 1) {
      return null;
    }
    StepProgress stored = e.progress();
    if (!Objects.equals(judged.samples(), stored.samples())) {
      return null;
    }
    StepProgress bare = stored.withoutSamples();
    if (!j.progress().equals(bare)
        || !judged.withoutSamples().withFailures(stored.failures()).equals(bare)) {
      return null;
    }
    return new Ref(j.verdict(), j.step(), j.at(), judged.failures());
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
      if (!a.isArray() || a.size() != 5 || !isInt(a.get(0)) || a.get(0).asInt() != FORMAT) {
        throw new IllegalStateException("not a draft reference of format " + FORMAT);
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
      return new Ref(verdict, a.get(2).asInt(), at, a.get(4).asInt());
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
   * The draft {@code ref} stands for in {@code e}, whose progress carries its samples.
   *
   * @throws IllegalStateException when {@code e} is not at the reference's step in CANARY
   */
  static Judgment resolve(Ref ref, Experiment e) {
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
    return Judgment.reread(
        e.policy(),
        e.stepIndex(),
        ref.verdict(),
        ref.at(),
        stored.withFailures(ref.failures()),
        stored);
  }
}
