package dev.aegis.chaos.gameday;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aegis.chaos.FaultKind;
import dev.aegis.chaos.FaultParameters;
import dev.aegis.events.data.Track;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * One game day: submit an experiment, inject a fault once it reaches a step, and expect a decision
 * within a time. Parsed from YAML by {@link GameDays}; run by {@link GameDayRunner}. See
 * docs/chaos.md.
 *
 * @param source where it was read from, for messages
 * @param experiment the body of {@code POST /api/v1/experiments} ({@code service}, {@code
 *     namespace}, {@code candidate}, optional {@code policy} and {@code router}); {@value
 *     #RUN_PLACEHOLDER} in its strings is replaced by a stamp of the run, so each run submits a
 *     fresh candidate
 */
public record GameDay(
    String name,
    String description,
    String source,
    ObjectNode experiment,
    Fault fault,
    Expectation expect) {

  /** Replaced in the experiment's strings by a stamp unique to each run. */
  public static final String RUN_PLACEHOLDER = "${run}";

  /**
   * The fault and when to inject it.
   *
   * @param atStep inject once the experiment is in CANARY at this 1-based step or later; 0 injects
   *     right after submission
   * @param reachStepWithin how long to wait for that step before the game day fails
   * @param parameters the fault's parameters as the API takes them (members a kind does not use are
   *     refused at parse time)
   */
  public record Fault(
      int atStep,
      FaultKind kind,
      Track track,
      Duration duration,
      boolean production,
      FaultParameters parameters,
      Duration reachStepWithin) {}

  /**
   * What must happen.
   *
   * @param phase the phase the experiment must settle in: PROMOTED (a benign fault), QUARANTINED or
   *     ABORTED
   * @param within measured from the injection
   * @param rcaNamesFault QUARANTINED only: the RCA's {@code activeFaults} must name the injected
   *     fault
   */
  public record Expectation(String phase, Duration within, boolean rcaNamesFault) {}

  public String service() {
    return experiment.path("service").asText();
  }

  public String namespace() {
    return experiment.path("namespace").asText();
  }

  /**
   * The experiment body for run {@code run}: a deep copy with {@value #RUN_PLACEHOLDER} replaced.
   */
  public ObjectNode experimentBody(String run) {
    ObjectNode copy = experiment.deepCopy();
    replace(copy, run);
    return copy;
  }

  private static void replace(JsonNode node, String run) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getValue().isTextual()) {
          field.setValue(new TextNode(field.getValue().asText().replace(RUN_PLACEHOLDER, run)));
        } else {
          replace(field.getValue(), run);
        }
      }
    } else if (node != null && node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        if (item.isTextual()) {
          ((ArrayNode) node).set(i, new TextNode(item.asText().replace(RUN_PLACEHOLDER, run)));
        } else {
          replace(item, run);
        }
      }
    }
  }
}
