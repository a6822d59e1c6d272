package dev.aegis.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.events.data.HealthReported;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one codec for Aegis events: Kafka record value and headers in, a typed event or a precise
 * rejection out; envelope and record in, value and headers out. No Kafka dependency: headers are a
 * {@code Map<String, byte[]>} holding the last value of each header.
 *
 * <p><b>Decoding</b> accepts CloudEvents 1.0 in both Kafka content modes. Structured mode is chosen
 * by {@code content-type: application/cloudevents+json}; anything else is binary mode ({@code ce_*}
 * headers, value = JSON data). Checks run in this order and the first failure decides the {@link
 * RejectionReason}:
 *
 * <ol>
 *   <li>value size at most {@link #MAX_VALUE_BYTES} (PAYLOAD_TOO_LARGE), before any parsing;
 *   <li>structured mode only: supported media type (UNSUPPORTED_CONTENT_TYPE), the value is a JSON
 *       object (NOT_JSON);
 *   <li>{@code specversion} 1.0 (UNSUPPORTED_SPECVERSION); {@code specversion}, {@code id}, {@code
 *       source}, {@code type} present (MISSING_ATTRIBUTE) and well-formed, {@code time} RFC 3339
 *       (INVALID_ATTRIBUTE);
 *   <li>{@code type} is an {@link EventType} (UNKNOWN_TYPE); {@code dataschema}, if given, is that
 *       type's (SCHEMA_MISMATCH); the data content type is JSON (UNSUPPORTED_CONTENT_TYPE);
 *   <li>the data is present and JSON (MISSING_ATTRIBUTE / NOT_JSON), passes the type's JSON Schema
 *       (SCHEMA_VIOLATION) and the semantic checks (INVALID_DATA).
 * </ol>
 *
 * <p><b>Encoding</b> runs the same schema and semantic checks and throws {@link
 * InvalidEventException} rather than produce an event a consumer would reject; {@code
 * decode(encode(e))} gives {@code e} back.
 *
 * <p>Thread-safe and meant to be built once: construction compiles every schema (from the
 * classpath, never the network); decoding then allocates only the parsed tree, the validation
 * context and the record. A binary-mode health window of the usual shape is read straight into its
 * record ({@link HealthReportedReader}), with the same result.
 */
public final class EventCodec {

  /** Largest record value accepted: 1 MiB, Kafka's default {@code max.message.bytes} order. */
  public static final int MAX_VALUE_BYTES = 1_048_576;

  private static final String STRUCTURED_CONTENT_TYPE =
      CloudEventHeaders.STRUCTURED_JSON + "; charset=UTF-8";

  private final ObjectMapper mapper = EventJson.mapper();
  private final Json json = new Json();
  private final SchemaCatalog schemas = new SchemaCatalog();
  private final DataChecks checks = new DataChecks();
  private final EnvelopeReader envelopes = new EnvelopeReader();
  private final HealthReportedReader healthWindows = new HealthReportedReader();
  private final Map<EventType, ObjectReader> binders = new EnumMap<>(EventType.class);

  /** Compiles every schema; expensive, so build one codec and share it. */
  public EventCodec() {
    for (EventType type : EventType.values()) {
      binders.put(type, mapper.readerFor(type.dataClass()));
    }
  }

  /**
   * Decodes one Kafka record. Never throws for bad input: every problem is a {@link
   * DecodeResult.Rejected}.
   *
   * @param value the record value; {@code null} (a tombstone) is rejected as NOT_JSON
   * @param headers the record headers, last value per name; {@code null} means none
   */
  public DecodeResult decode(byte[] value, Map<String, byte[]> headers) {
    try {
      return decodeOrReject(value, headers == null ? Map.of() : headers);
    } catch (Rejection rejection) {
      return rejection.result();
    } catch (RuntimeException unexpected) {
      // Every check above turns bad input into a rejection; should a library still fail on some
      // input, the record is refused on its own, with what went wrong, and never fails its batch.
      return Rejection.of(
              RejectionReason.INVALID_DATA,
              "the event could not be checked: " + Json.abbreviate(String.valueOf(unexpected)))
          .result();
    }
  }

  /**
   * Encodes in binary content mode: value = the data as JSON, headers = {@code ce_*} attributes and
   * {@code content-type: application/json}.
   *
   * @throws InvalidEventException if the data breaks its schema or a semantic check
   * @throws IllegalArgumentException if the envelope is not one this codec would accept for the
   *     data (unknown type, wrong record class, other specversion, foreign dataschema, non-JSON
   *     content type)
   */
  public EncodedEvent encodeBinary(CloudEventEnvelope envelope, Object data) {
    EventType type = encodableType(envelope, data);
    JsonNode tree = validatedTree(type, data);
    return new EncodedEvent(
        type.topic(), type.partitionKey(data), bytes(tree), binaryHeaders(envelope));
  }

  /**
   * Encodes in structured content mode: value = the whole event as JSON with the data in {@code
   * data}, header {@code content-type: application/cloudevents+json; charset=UTF-8}.
   *
   * @throws InvalidEventException if the data breaks its schema or a semantic check
   * @throws IllegalArgumentException as for {@link #encodeBinary}
   */
  public EncodedEvent encodeStructured(CloudEventEnvelope envelope, Object data) {
    EventType type = encodableType(envelope, data);
    ObjectNode event = structuredEvent(envelope, validatedTree(type, data));
    Map<String, byte[]> headers =
        Map.of(CloudEventHeaders.CONTENT_TYPE, utf8(STRUCTURED_CONTENT_TYPE));
    return new EncodedEvent(type.topic(), type.partitionKey(data), bytes(event), headers);
  }

  /**
   * Checks a record against its type's schema and semantic rules, e.g. a REST submission bound to
   * {@link dev.aegis.events.data.ExperimentSubmitted}.
   *
   * @return the rejection a consumer would produce, or empty if the data is valid
   * @throws IllegalArgumentException if {@code data} is not {@code type}'s record
   */
  public Optional<DecodeResult.Rejected> validate(EventType type, Object data) {
    type.requireData(data);
    try {
      validatedTree(type, data);
      return Optional.empty();
    } catch (InvalidEventException e) {
      return Optional.of(e.rejection());
    }
  }

  /**
   * Reads raw JSON data (no envelope) as {@code type}'s record with the same checks as {@link
   * #decode}, e.g. for a REST request body such as {@code POST /api/v1/experiments}.
   *
   * @return the record, an instance of {@code type.dataClass()}
   * @throws InvalidEventException carrying the rejection a consumer would produce
   *     (PAYLOAD_TOO_LARGE, NOT_JSON, SCHEMA_VIOLATION or INVALID_DATA, with the JSON pointer)
   */
  public Object readData(EventType type, byte[] data) {
    try {
      checkSize(data);
      return readData(type, json.parse(data, "data"));
    } catch (Rejection rejection) {
      throw new InvalidEventException(rejection.result());
    }
  }

  /**
   * The event as a CloudEvents SDK {@link CloudEvent}, for SDK-based bindings (HTTP webhooks, the
   * SDK's Kafka serializer). The data is checked exactly as by {@link #encodeBinary}.
   *
   * @throws InvalidEventException if the data breaks its schema or a semantic check
   * @throws IllegalArgumentException as for {@link #encodeBinary}
   */
  public CloudEvent toCloudEvent(CloudEventEnvelope envelope, Object data) {
    EventType type = encodableType(envelope, data);
    byte[] json = bytes(validatedTree(type, data));
    CloudEventBuilder builder =
        CloudEventBuilder.v1()
            .withId(envelope.id())
            .withSource(URI.create(envelope.source()))
            .withType(envelope.type())
            .withSubject(envelope.subject())
            .withDataSchema(
                envelope.dataschema() == null ? null : URI.create(envelope.dataschema()))
            .withData(
                Objects.requireNonNullElse(envelope.datacontenttype(), CloudEventHeaders.JSON),
                json);
    if (envelope.time() != null) {
      builder.withTime(envelope.time().atOffset(ZoneOffset.UTC));
    }
    return builder.build();
  }

  /** Serialises anything with the event JSON configuration; see {@link EventJson#toJson}. */
  public byte[] toJson(Object value) {
    return EventJson.toJson(value);
  }

  private DecodeResult.Decoded decodeOrReject(byte[] value, Map<String, byte[]> headers) {
    checkSize(value);
    WireEvent wire = wireEvent(value, headers);
    CloudEventEnvelope envelope = envelopes.read(wire);
    EventType type = knownType(envelope);
    requireOwnSchema(envelope, type);
    requireJsonData(wire);
    if (type == EventType.HEALTH_REPORTED) {
      HealthReported window = healthWindows.read(wire.rawData());
      if (window != null) {
        checks.requireValid(type, window);
        return new DecodeResult.Decoded(envelope, type, window);
      }
    }
    return new DecodeResult.Decoded(envelope, type, readData(type, wire.data()));
  }

  private static void checkSize(byte[] value) {
    if (value != null && value.length > MAX_VALUE_BYTES) {
      throw Rejection.of(
          RejectionReason.PAYLOAD_TOO_LARGE,
          "value is "
              + value.length
              + " bytes; the limit is "
              + MAX_VALUE_BYTES
              + " bytes (1 MiB)");
    }
  }

  private WireEvent wireEvent(byte[] value, Map<String, byte[]> headers) {
    byte[] contentType = headers.get(CloudEventHeaders.CONTENT_TYPE);
    String mediaType = contentType == null ? null : new String(contentType, StandardCharsets.UTF_8);
    if (mediaType == null || !MediaTypes.isCloudEvents(mediaType)) {
      return new BinaryWireEvent(value, headers, json);
    }
    if (!MediaTypes.isStructuredJson(mediaType)) {
      throw Rejection.of(
          RejectionReason.UNSUPPORTED_CONTENT_TYPE,
          "content-type '"
              + Json.abbreviate(mediaType)
              + "' is not supported; structured mode "
              + "accepts only "
              + CloudEventHeaders.STRUCTURED_JSON
              + " (no batches)");
    }
    return StructuredWireEvent.parse(value, json);
  }

  private static EventType knownType(CloudEventEnvelope envelope) {
    return EventType.fromType(envelope.type())
        .orElseThrow(
            () ->
                Rejection.of(
                    RejectionReason.UNKNOWN_TYPE,
                    "unknown event type '" + Json.abbreviate(envelope.type()) + "'"));
  }

  private static void requireOwnSchema(CloudEventEnvelope envelope, EventType type) {
    String dataschema = envelope.dataschema();
    if (dataschema != null && !dataschema.equals(type.dataschemaUri())) {
      throw Rejection.of(
          RejectionReason.SCHEMA_MISMATCH,
          "dataschema '"
              + Json.abbreviate(dataschema)
              + "' is not the schema of "
              + type.type()
              + "; expected '"
              + type.dataschemaUri()
              + "'");
    }
  }

  private static void requireJsonData(WireEvent wire) {
    String contentType = wire.dataContentType();
    // CloudEvents: an absent datacontenttype means JSON in both modes.
    if (contentType != null && !MediaTypes.isJson(contentType)) {
      throw Rejection.of(
          RejectionReason.UNSUPPORTED_CONTENT_TYPE,
          wire.dataContentTypeName()
              + " '"
              + Json.abbreviate(contentType)
              + "' is not JSON; Aegis events carry application/json data");
    }
  }

  private Object readData(EventType type, JsonNode data) {
    SchemaCatalog.requireFiniteNumbers(data);
    schemas.requireValid(type, data);
    SchemaCatalog.requireStorableText(data);
    Object record = bind(type, data);
    checks.requireValid(type, record);
    return record;
  }

  /** Binds schema-valid JSON; fails only where Java is narrower than JSON (e.g. huge numbers). */
  private Object bind(EventType type, JsonNode data) {
    try {
      return binders.get(type).readValue(data);
    } catch (JsonMappingException e) {
      throw Rejection.invalidDataAt(pointer(e), bindingProblem(e));
    } catch (IOException e) {
      throw Rejection.invalidDataAt("", Json.abbreviate(e.getMessage()));
    }
  }

  private static String bindingProblem(JsonMappingException e) {
    if (e instanceof InvalidFormatException invalid) {
      return "'"
          + Json.abbreviate(String.valueOf(invalid.getValue()))
          + "' cannot be represented as a "
          + invalid.getTargetType().getSimpleName();
    }
    return Json.abbreviate(e.getOriginalMessage());
  }

  private static String pointer(JsonMappingException e) {
    String pointer = "";
    for (JsonMappingException.Reference reference : e.getPath()) {
      pointer =
          reference.getFieldName() != null
              ? Violation.child(pointer, reference.getFieldName())
              : Violation.child(pointer, reference.getIndex());
    }
    return pointer;
  }

  private EventType encodableType(CloudEventEnvelope envelope, Object data) {
    Objects.requireNonNull(envelope, "envelope");
    EventType type =
        EventType.fromType(envelope.type())
            .orElseThrow(
                () -> new IllegalArgumentException("unknown event type '" + envelope.type() + "'"));
    type.requireData(data);
    requireEncodable(envelope, type);
    return type;
  }

  private static void requireEncodable(CloudEventEnvelope envelope, EventType type) {
    if (!CloudEventHeaders.SPECVERSION_1_0.equals(envelope.specversion())) {
      throw new IllegalArgumentException("specversion must be 1.0, was " + envelope.specversion());
    }
    if (envelope.id().isEmpty() || envelope.source().isEmpty()) {
      throw new IllegalArgumentException("id and source must not be empty");
    }
    if (envelope.dataschema() != null && !envelope.dataschema().equals(type.dataschemaUri())) {
      throw new IllegalArgumentException(
          "dataschema of "
              + type.type()
              + " is "
              + type.dataschemaUri()
              + ", not "
              + envelope.dataschema());
    }
    if (envelope.datacontenttype() != null && !MediaTypes.isJson(envelope.datacontenttype())) {
      throw new IllegalArgumentException(
          "datacontenttype must be JSON, was " + envelope.datacontenttype());
    }
  }

  /** The data as a tree that passed the schema and the semantic checks. */
  private JsonNode validatedTree(EventType type, Object data) {
    JsonNode tree = mapper.valueToTree(data);
    try {
      schemas.requireValid(type, tree);
      SchemaCatalog.requireStorableText(tree);
      checks.requireValid(type, data);
    } catch (Rejection rejection) {
      throw new InvalidEventException(rejection.result());
    }
    return tree;
  }

  private static Map<String, byte[]> binaryHeaders(CloudEventEnvelope envelope) {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    headers.put(CloudEventHeaders.SPECVERSION, utf8(envelope.specversion()));
    headers.put(CloudEventHeaders.ID, utf8(envelope.id()));
    headers.put(CloudEventHeaders.SOURCE, utf8(envelope.source()));
    headers.put(CloudEventHeaders.TYPE, utf8(envelope.type()));
    putIfPresent(headers, CloudEventHeaders.SUBJECT, envelope.subject());
    putIfPresent(
        headers,
        CloudEventHeaders.TIME,
        envelope.time() == null ? null : envelope.time().toString());
    putIfPresent(headers, CloudEventHeaders.DATASCHEMA, envelope.dataschema());
    headers.put(
        CloudEventHeaders.CONTENT_TYPE,
        utf8(Objects.requireNonNullElse(envelope.datacontenttype(), CloudEventHeaders.JSON)));
    return headers;
  }

  private ObjectNode structuredEvent(CloudEventEnvelope envelope, JsonNode data) {
    ObjectNode event = mapper.createObjectNode();
    event.put("specversion", envelope.specversion());
    event.put("id", envelope.id());
    event.put("source", envelope.source());
    event.put("type", envelope.type());
    putIfPresent(event, "subject", envelope.subject());
    putIfPresent(event, "time", envelope.time() == null ? null : envelope.time().toString());
    putIfPresent(event, "dataschema", envelope.dataschema());
    event.put(
        "datacontenttype",
        Objects.requireNonNullElse(envelope.datacontenttype(), CloudEventHeaders.JSON));
    event.set("data", data);
    return event;
  }

  private static void putIfPresent(Map<String, byte[]> headers, String name, String value) {
    if (value != null) {
      headers.put(name, utf8(value));
    }
  }

  private static void putIfPresent(ObjectNode event, String name, String value) {
    if (value != null) {
      event.put(name, value);
    }
  }

  private byte[] bytes(JsonNode tree) {
    try {
      return mapper.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
