package dev.aegis.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.PathType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The compiled JSON Schema of every {@link EventType}, loaded once from the classpath.
 *
 * <p>Schemas are named by their {@code https://schemas.aegis.dev/...} ids; the loader maps that
 * prefix to the classpath folder {@code schemas/} and refuses to load anything else, so compiling
 * or validating never touches the network (the draft 2020-12 dialect is built into the validator).
 * Compiled schemas are immutable and thread-safe.
 */
final class SchemaCatalog {

  private static final String CLASSPATH_FOLDER = "classpath:schemas/";

  /** Keyword the schemas use for readable messages; standard validators ignore it. */
  private static final String ERROR_MESSAGE_KEYWORD = "errorMessage";

  private final Map<EventType, Schema> schemas = new EnumMap<>(EventType.class);

  SchemaCatalog() {
    SchemaRegistry registry = offlineRegistry();
    for (EventType type : EventType.values()) {
      Schema schema = registry.getSchema(SchemaLocation.of(type.dataschemaUri()));
      // Resolve every $ref now: the hot path must not load or compile anything lazily.
      schema.initializeValidators();
      schemas.put(type, schema);
    }
  }

  /**
   * Checks {@code data} against the schema of {@code type}. A health window whose shape {@link
   * HealthReportedShortcut} proves valid skips the general validator; any other document goes
   * through it.
   *
   * @throws Rejection with {@link RejectionReason#SCHEMA_VIOLATION} naming the first violation
   */
  void requireValid(EventType type, JsonNode data) {
    if (type == EventType.HEALTH_REPORTED && HealthReportedShortcut.certainlyValid(data)) {
      return;
    }
    requireValidBySchema(type, data);
  }

  /**
   * {@link #requireValid} through the compiled schema alone, whatever the document.
   *
   * @throws Rejection with {@link RejectionReason#INVALID_DATA} at its pointer for a number beyond
   *     the range of a double (such as {@code 1e400}) where the schema bounds it: JSON allows it,
   *     Jackson reads it as infinite, and the validator fails on it instead of comparing it
   */
  void requireValidBySchema(EventType type, JsonNode data) {
    List<Error> errors;
    try {
      errors = schemas.get(type).validate(data);
    } catch (RuntimeException unvalidatable) {
      throw unrepresentable(data, unvalidatable);
    }
    if (!errors.isEmpty()) {
      throw Violation.reject(
          RejectionReason.SCHEMA_VIOLATION, "schema violation", toViolations(errors));
    }
  }

  /**
   * The rejection of a document the validator failed on: at its first number Jackson read as
   * infinite (depth first), the only such input known; otherwise at the root, with the failure.
   */
  private static Rejection unrepresentable(JsonNode data, RuntimeException failure) {
    String pointer = infiniteNumber(data);
    if (pointer == null) {
      return Rejection.invalidDataAt(
          "", "the schema could not be checked: " + Json.abbreviate(String.valueOf(failure)));
    }
    return beyondDouble(pointer);
  }

  /**
   * Refuses a document holding U+0000 (NUL) in a string or a member name. Every string of an event
   * may reach a {@code text} or {@code jsonb} column, and PostgreSQL stores neither with a NUL:
   * refused here, the record is dead-lettered with the pointer, instead of failing its batch's
   * transaction and holding up its partition while the batch is retried record by record.
   */
  static void requireStorableText(JsonNode data) {
    String pointer = nul(data);
    if (pointer != null) {
      // The pointer itself may hold the NUL (a member name): written out, so the detail is stored.
      String shown = pointer.replace("\0", "\\u0000");
      throw Rejection.invalidDataAt(shown, "text holds U+0000 (NUL), which Aegis cannot store");
    }
  }

  private static Rejection beyondDouble(String pointer) {
    return Rejection.invalidDataAt(pointer, "the number is beyond the range of a double");
  }

  /**
   * Refuses a document holding a number beyond the range of a double (such as {@code 1e400}),
   * wherever it is: JSON allows it, Jackson reads it as infinite, and no bound, sum or message
   * could use it.
   *
   * @throws Rejection with {@link RejectionReason#INVALID_DATA} at the first such number's pointer
   */
  static void requireFiniteNumbers(JsonNode data) {
    String pointer = infiniteNumber(data);
    if (pointer != null) {
      throw beyondDouble(pointer);
    }
  }

  /** A number Jackson read as infinite. */
  private static final Predicate<JsonNode> INFINITE =
      node -> node.isDouble() && !Double.isFinite(node.doubleValue());

  /** A string holding U+0000 (NUL). */
  private static final Predicate<JsonNode> NUL_TEXT =
      node -> node.isTextual() && node.textValue().indexOf('\0') >= 0;

  /** A member name holding U+0000 (NUL). */
  private static final Predicate<String> NUL_NAME = name -> name.indexOf('\0') >= 0;

  /** The JSON pointer of the first number Jackson read as infinite (depth first), or null. */
  private static String infiniteNumber(JsonNode node) {
    return firstPointer(node, INFINITE, name -> false);
  }

  /** The JSON pointer of the first string or member name holding U+0000 (depth first), or null. */
  private static String nul(JsonNode node) {
    return firstPointer(node, NUL_TEXT, NUL_NAME);
  }

  /**
   * The JSON pointer of the first node that {@code bad} accepts, or of the first member whose name
   * {@code badName} accepts (depth first), or null. The pointer is built only on the way back from
   * such a place, so a document without one, the usual case on every tree-path decode, costs a walk
   * and no strings.
   */
  private static String firstPointer(
      JsonNode node, Predicate<JsonNode> bad, Predicate<String> badName) {
    if (bad.test(node)) {
      return "";
    }
    if (node.isObject()) {
      for (var member : node.properties()) {
        if (badName.test(member.getKey())) {
          return Violation.child("", member.getKey());
        }
        String below = firstPointer(member.getValue(), bad, badName);
        if (below != null) {
          return Violation.child("", member.getKey()) + below;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String below = firstPointer(node.get(i), bad, badName);
        if (below != null) {
          return Violation.child("", i) + below;
        }
      }
    }
    return null;
  }

  private static SchemaRegistry offlineRegistry() {
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder()
            // Draft 2020-12 treats "format" as an annotation; we want date-time enforced.
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_POINTER)
            .errorMessageKeyword(ERROR_MESSAGE_KEYWORD)
            .build();
    return SchemaRegistry.withDialect(
        Dialects.getDraft202012(),
        builder ->
            builder
                .schemaRegistryConfig(config)
                .schemaLoader(
                    loader ->
                        loader
                            .schemaIdResolvers(
                                ids -> ids.mapPrefix(EventType.SCHEMA_BASE_URI, CLASSPATH_FOLDER))
                            .fetchRemoteResources(false)
                            .allow(iri -> iri.toString().startsWith(EventType.SCHEMA_BASE_URI))));
  }

  private static List<Violation> toViolations(List<Error> errors) {
    List<Violation> violations = new ArrayList<>(errors.size());
    for (Error error : errors) {
      violations.add(toViolation(error));
    }
    return violations;
  }

  private static Violation toViolation(Error error) {
    String pointer = error.getInstanceLocation().toString();
    // A missing member has no instance location of its own; point at where it should be.
    if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
      pointer = Violation.child(pointer, error.getProperty());
    }
    return new Violation(pointer, error.getMessage());
  }
}
