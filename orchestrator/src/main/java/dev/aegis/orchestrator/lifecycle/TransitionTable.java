package dev.aegis.orchestrator.lifecycle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The legal moves of the lifecycle as an immutable value: for each phase, which triggers it accepts
 * and where each leads. Built once from the state machine definition, then consulted by the core in
 * O(1), so no state machine is built or reset on the hot path.
 */
public final class TransitionTable {

  /** One legal move. */
  public record Entry(Phase from, Trigger trigger, Phase to) {}

  private final Map<Phase, Map<Trigger, Phase>> moves;

  private TransitionTable(Map<Phase, Map<Trigger, Phase>> moves) {
    this.moves = moves;
  }

  /** Builds a table from its entries; a (phase, trigger) pair may appear once. */
  public static TransitionTable of(List<Entry> entries) {
    Map<Phase, Map<Trigger, Phase>> moves = new EnumMap<>(Phase.class);
    for (Phase phase : Phase.values()) {
      moves.put(phase, new EnumMap<>(Trigger.class));
    }
    for (Entry entry : entries) {
      Phase previous = moves.get(entry.from()).put(entry.trigger(), entry.to());
      if (previous != null && previous != entry.to()) {
        throw new IllegalArgumentException(
            "ambiguous move " + entry.from() + " + " + entry.trigger());
      }
    }
    moves.replaceAll((phase, byTrigger) -> Collections.unmodifiableMap(byTrigger));
    return new TransitionTable(Collections.unmodifiableMap(moves));
  }

  /** Where {@code trigger} leads from {@code from}, or empty when the move is illegal. */
  public Optional<Phase> target(Phase from, Trigger trigger) {
    return Optional.ofNullable(moves.get(from).get(trigger));
  }

  /** The triggers that {@code from} accepts, in declaration order. */
  public List<Trigger> accepted(Phase from) {
    return List.copyOf(moves.get(from).keySet());
  }

  /** Every legal move, ordered by phase then trigger. */
  public List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    moves.forEach(
        (from, byTrigger) -> byTrigger.forEach((t, to) -> entries.add(new Entry(from, t, to))));
    return List.copyOf(entries);
  }

  /** A Mermaid state diagram of every legal move, for docs/lifecycle.md. */
  public String mermaid() {
    StringBuilder out = new StringBuilder("stateDiagram-v2\n");
    out.append("    [*] --> SUBMITTED\n");
    for (Entry e : entries()) {
      out.append("    ")
          .append(e.from())
          .append(" --> ")
          .append(e.to())
          .append(" : ")
          .append(e.trigger())
          .append('\n');
    }
    return out.toString();
  }
}
