package dev.aegis.events;

import dev.aegis.events.data.ActuationAlarmed;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.LifecycleTransitioned;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.events.data.SloBurnRateAlerted;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every CloudEvents type in the Aegis contract. Each knows its type string, its Kafka topic, the
 * URI of its JSON Schema (the {@code dataschema} attribute), the classpath resource holding that
 * schema, its data record and how to derive the Kafka key from the data.
 *
 * <p>A breaking change never edits a constant: it adds a new type with the next suffix ({@code
 * .v2}) next to the old one, so consumers can take both during a migration.
 */
public enum EventType {
  HEALTH_REPORTED(
      "dev.aegis.health.reported.v1",
      Topics.HEALTH,
      HealthReported.class,
      true,
      data -> ((HealthReported) data).service()),
  EXPERIMENT_SUBMITTED(
      "dev.aegis.experiment.submitted.v1",
      Topics.EXPERIMENTS,
      ExperimentSubmitted.class,
      true,
      data -> ((ExperimentSubmitted) data).service()),
  CHAOS_INJECTED(
      "dev.aegis.chaos.injected.v1",
      Topics.CHAOS,
      ChaosFault.class,
      true,
      data -> ((ChaosFault) data).service()),
  CHAOS_CLEARED(
      "dev.aegis.chaos.cleared.v1",
      Topics.CHAOS,
      ChaosFault.class,
      true,
      data -> ((ChaosFault) data).service()),
  LIFECYCLE_TRANSITIONED(
      "dev.aegis.lifecycle.transitioned.v1",
      Topics.LIFECYCLE,
      LifecycleTransitioned.class,
      false,
      data -> ((LifecycleTransitioned) data).experimentId()),
  RCA_RECORDED(
      "dev.aegis.rca.recorded.v1",
      Topics.RCA,
      RcaRecorded.class,
      false,
      data -> ((RcaRecorded) data).experimentId()),
  ACTUATION_ALARMED(
      "dev.aegis.actuation.alarmed.v1",
      Topics.LIFECYCLE,
      ActuationAlarmed.class,
      false,
      data -> ((ActuationAlarmed) data).experimentId()),
  SLO_BURN_RATE_ALERTED(
      "dev.aegis.slo.burnrate.alerted.v1",
      Topics.LIFECYCLE,
      SloBurnRateAlerted.class,
      false,
      data -> ((SloBurnRateAlerted) data).service());

  /** Base of every {@code dataschema} URI; mapped to the classpath folder {@code schemas/}. */
  public static final String SCHEMA_BASE_URI = "https://schemas.aegis.dev/";

  private static final Map<String, EventType> BY_TYPE =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::type, t -> t));

  private final String type;
  private final String topic;
  private final Class<?> dataClass;
  private final boolean inbound;
  private final Function<Object, String> keyOf;

  EventType(
      String type,
      String topic,
      Class<?> dataClass,
      boolean inbound,
      Function<Object, String> keyOf) {
    this.type = type;
    this.topic = topic;
    this.dataClass = dataClass;
    this.inbound = inbound;
    this.keyOf = keyOf;
  }

  /** The CloudEvents {@code type} attribute, e.g. {@code dev.aegis.health.reported.v1}. */
  public String type() {
    return type;
  }

  /** The Kafka topic events of this type are published to. */
  public String topic() {
    return topic;
  }

  /** The record class of this type's data. */
  public Class<?> dataClass() {
    return dataClass;
  }

  /** True for events the orchestrator consumes, false for events it publishes. */
  public boolean isInbound() {
    return inbound;
  }

  /** The {@code dataschema} URI, {@code https://schemas.aegis.dev/<type>.json}. */
  public URI dataschema() {
    return URI.create(dataschemaUri());
  }

  /** {@link #dataschema()} as a string, the form the {@code dataschema} attribute carries. */
  public String dataschemaUri() {
    return SCHEMA_BASE_URI + type + ".json";
  }

  /** The classpath resource holding the schema, {@code schemas/<type>.json}. */
  public String schemaResource() {
    return "schemas/" + type + ".json";
  }

  /**
   * The Kafka record key for {@code data}: the service for inbound types and SLO alerts, the
   * experiment id for the other outbound ones.
   *
   * @throws IllegalArgumentException if {@code data} is not an instance of {@link #dataClass()}
   */
  public String partitionKey(Object data) {
    requireData(data);
    return keyOf.apply(data);
  }

  /**
   * Checks that {@code data} is this type's record.
   *
   * @throws IllegalArgumentException if it is null or of another class
   */
  public void requireData(Object data) {
    if (!dataClass.isInstance(data)) {
      String actual = data == null ? "null" : data.getClass().getSimpleName();
      throw new IllegalArgumentException(
          "event " + type + " carries " + dataClass.getSimpleName() + ", not " + actual);
    }
  }

  /** The type whose {@link #type()} is {@code type}, if any. */
  public static Optional<EventType> fromType(String type) {
    return Optional.ofNullable(type == null ? null : BY_TYPE.get(type));
  }
}
