package dev.aegis.events.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Which deployment a health window or a fault is about. Serialised lowercase ({@code canary},
 * {@code baseline}, {@code stable}), the wire form the schemas enumerate.
 */
public enum Track {
  /** The candidate (V1) receiving a canary traffic weight. */
  CANARY,
  /** An optional control deployment of the production version, sized like the canary. */
  BASELINE,
  /** The production (V2) deployment. */
  STABLE;

  /** The lowercase name used in JSON. */
  private final String wire = name().toLowerCase(Locale.ROOT);

  @JsonValue
  public String wire() {
    return wire;
  }

  /**
   * Parses the wire form.
   *
   * @throws IllegalArgumentException if {@code wire} is not one of the lowercase names
   */
  @JsonCreator
  public static Track fromWire(String wire) {
    for (Track track : values()) {
      if (track.wire().equals(wire)) {
        return track;
      }
    }
    throw new IllegalArgumentException("unknown track '" + wire + "'");
  }
}
