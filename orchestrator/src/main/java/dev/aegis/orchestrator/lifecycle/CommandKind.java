package dev.aegis.orchestrator.lifecycle;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of {@link Command}, each with the wire name stored in the outbox's {@code type} column,
 * shown in metrics ({@code command} tag), audit entries and {@code actuation.alarmed} events. Wire
 * names never change: rows written by an older release must still be read.
 */
public enum CommandKind {
  SET_TRAFFIC_WEIGHT("SetTrafficWeight", Command.SetTrafficWeight.class),
  PROMOTE_CANDIDATE("PromoteCandidate", Command.PromoteCandidate.class),
  ROLL_BACK_CANDIDATE("RollBackCandidate", Command.RollBackCandidate.class),
  QUARANTINE_CANDIDATE("QuarantineCandidate", Command.QuarantineCandidate.class),
  ROLL_BACK_PRODUCTION("RollBackProduction", Command.RollBackProduction.class),
  SCALE_STABLE("ScaleStable", Command.ScaleStable.class);

  private final String wire;
  private final Class<? extends Command> type;

  CommandKind(String wire, Class<? extends Command> type) {
    this.wire = wire;
    this.type = type;
  }

  public String wire() {
    return wire;
  }

  /** The record class a stored command of this kind reads back into. */
  public Class<? extends Command> type() {
    return type;
  }

  /** The kind stored as {@code wire}, or empty for a name no release of Aegis wrote. */
  public static Optional<CommandKind> ofWire(String wire) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
  }

  @Override
  public String toString() {
    return wire;
  }
}
