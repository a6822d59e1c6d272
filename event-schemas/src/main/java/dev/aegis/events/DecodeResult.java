package dev.aegis.events;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@link EventCodec#decode} made of one Kafka record: either a {@link Decoded} typed event or
 * a {@link Rejected} with a precise reason. Java 17 has no pattern matching over sealed types, so
 * use {@link #fold} (or {@link #isDecoded()} and a cast) to branch.
 */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

  /** True for {@link Decoded}. */
  boolean isDecoded();

  /** Applies the function matching this result. */
  <R> R fold(
      Function<? super Decoded, ? extends R> onDecoded,
      Function<? super Rejected, ? extends R> onRejected);

  /** This result as a {@link Decoded}, if it is one. */
  default Optional<Decoded> decoded() {
    return fold(Optional::of, rejected -> Optional.empty());
  }

  /** This result as a {@link Rejected}, if it is one. */
  default Optional<Rejected> rejected() {
    return fold(decoded -> Optional.empty(), Optional::of);
  }

  /**
   * A valid event: its attributes, its type and its data as the type's record (which passed the
   * schema and the semantic checks).
   */
  record Decoded(CloudEventEnvelope envelope, EventType type, Object data) implements DecodeResult {

    public Decoded {
      Objects.requireNonNull(envelope, "envelope");
      Objects.requireNonNull(type, "type");
      type.requireData(data);
    }

    /**
     * The data as {@code dataClass}.
     *
     * @throws IllegalArgumentException if the data is of another class
     */
    public <T> T data(Class<T> dataClass) {
      if (!dataClass.isInstance(data)) {
        throw new IllegalArgumentException(
            "event "
                + type.type()
                + " carries "
                + data.getClass().getSimpleName()
                + ", not "
                + dataClass.getSimpleName());
      }
      return dataClass.cast(data);
    }

    /** The Kafka key this event belongs under; see {@link EventType#partitionKey}. */
    public String partitionKey() {
      return type.partitionKey(data);
    }

    @Override
    public boolean isDecoded() {
      return true;
    }

    @Override
    public <R> R fold(
        Function<? super Decoded, ? extends R> onDecoded,
        Function<? super Rejected, ? extends R> onRejected) {
      return onDecoded.apply(this);
    }
  }

  /**
   * A refused event. {@code detail} is a human-readable sentence naming the attribute or the JSON
   * pointer at fault, e.g. {@code schema violation at /latencyMs/p95: must have a minimum value of
   * 0}. {@code pointer} is the JSON pointer into the data of the first violation for {@link
   * RejectionReason#SCHEMA_VIOLATION} and {@link RejectionReason#INVALID_DATA} ({@code ""} is the
   * data itself), and {@code null} for every other reason.
   */
  record Rejected(RejectionReason reason, String detail, String pointer) implements DecodeResult {

    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    /** A rejection that is not about a location in the data. */
    public Rejected(RejectionReason reason, String detail) {
      this(reason, detail, null);
    }

    @Override
    public boolean isDecoded() {
      return false;
    }

    @Override
    public <R> R fold(
        Function<? super Decoded, ? extends R> onDecoded,
        Function<? super Rejected, ? extends R> onRejected) {
      return onRejected.apply(this);
    }
  }
}
