package dev.aegis.chaos.gameday;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.aegis.chaos.FaultDefaults;
import dev.aegis.chaos.FaultKind;
import dev.aegis.chaos.FaultParameters;
import dev.aegis.chaos.FaultRefusedException;
import dev.aegis.events.data.Track;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads game days from YAML, with errors that name the file, the field and what is wrong; and lists
 * the game days shipped in this jar (from {@code chaos/gamedays/}, under {@code gamedays/} on the
 * classpath).
 */
public final class GameDays {

  /**
   * The shipped game days, file names under {@code gamedays/} on the classpath and in {@code
   * chaos/gamedays/}.
   */
  public static final List<String> SHIPPED =
      List.of(
          "checkout-partition-at-step-2.yaml",
          "checkout-pod-kill-is-benign.yaml",
          "checkout-cpu-stress.yaml",
          "checkout-payments-outage.yaml");

  /** Phases a game day may expect: where an experiment settles. */
  public static final Set<String> EXPECTABLE_PHASES = Set.of("PROMOTED", "QUARANTINED", "ABORTED");

  public static final Duration DEFAULT_WITHIN = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REACH_STEP_WITHIN = Duration.ofMinutes(5);

  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper PARAMETERS =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
  private static final String NAME = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  private GameDays() {}

  /** The shipped game days' file names. */
  public static List<String> shipped() {
    return SHIPPED;
  }

  /**
   * Loads shipped game day {@code fileName} from the classpath.
   *
   * @throws IllegalArgumentException if no such game day is shipped
   */
  public static GameDay shipped(String fileName) {
    if (!SHIPPED.contains(fileName)) {
      throw new IllegalArgumentException(
          "no shipped game day " + fileName + "; shipped: " + SHIPPED);
    }
    String resource = "gamedays/" + fileName;
    try (InputStream in = GameDays.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "classpath resource " + resource + " is missing from the chaos jar");
      }
      return parse(in, "classpath:" + resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the game day in {@code file}. */
  public static GameDay parse(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new GameDayFormatException(file.toString(), "(file)", "no such file");
    } catch (IOException e) {
      throw new GameDayFormatException(
          file.toString(), "(file)", "cannot be read: " + e.getMessage());
    }
  }

  /** Reads a game day from {@code in}; {@code source} names it in errors. */
  public static GameDay parse(InputStream in, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? "(syntax)"
              : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new GameDayFormatException(
          source, where, "not valid YAML: " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new GameDayFormatException(source, "(file)", "cannot be read: " + e.getMessage());
    }
    return new Reader(source).gameDay(root);
  }

  /**
   * The parser's message without its echo of the source lines: "while parsing ...; expected ...".
   */
  private static String oneLine(String message) {
    return Arrays.stream(message.split("\\R"))
        .filter(
            line -> !line.isBlank() && !line.startsWith("    ") && !line.strip().startsWith("in '"))
        .map(String::strip)
        .collect(Collectors.joining("; "));
  }

  /** Walks the tree, checking each field, so every error names its field. */
  private record Reader(String source) {

    GameDay gameDay(JsonNode root) {
      if (root == null || root.isMissingNode() || root.isNull()) {
        throw error("(document)", "is empty; a game day needs name, experiment, fault and expect");
      }
      ObjectNode top = object(root, "(document)");
      known(top, "", "name", "description", "experiment", "fault", "expect");
      String name = text(top, "name", true);
      if (!name.matches(NAME)) {
        throw error(
            "name", "must be lower-case letters, digits and '-' (at most 63), was '" + name + "'");
      }
      String description = text(top, "description", false);
      ObjectNode experiment = experiment(required(top, "experiment", ""));
      GameDay.Fault fault = fault(object(required(top, "fault", ""), "fault"));
      GameDay.Expectation expect = expectation(object(required(top, "expect", ""), "expect"));
      return new GameDay(
          name, description == null ? "" : description, source, experiment, fault, expect);
    }

    private ObjectNode experiment(JsonNode node) {
      ObjectNode experiment = object(node, "experiment");
      known(experiment, "experiment.", "service", "namespace", "candidate", "policy", "router");
      String service = text(experiment, "service", "experiment.", true);
      if (!service.matches(NAME)) {
        throw error(
            "experiment.service",
            "must be a service name (a DNS-1123 label), was '" + service + "'");
      }
      String namespace = text(experiment, "namespace", "experiment.", true);
      if (!namespace.matches(NAME)) {
        throw error(
            "experiment.namespace",
            "must be a namespace (a DNS-1123 label), was '" + namespace + "'");
      }
      ObjectNode candidate =
          object(required(experiment, "candidate", "experiment."), "experiment.candidate");
      known(candidate, "experiment.candidate.", "version", "image");
      text(candidate, "version", "experiment.candidate.", true);
      text(candidate, "image", "experiment.candidate.", true);
      if (experiment.has("policy") && !experiment.get("policy").isObject()) {
        throw error(
            "experiment.policy", "must be a mapping (the policy of POST /api/v1/experiments)");
      }
      return experiment;
    }

    private GameDay.Fault fault(ObjectNode fault) {
      known(
          fault,
          "fault.",
          "atStep",
          "kind",
          "track",
          "duration",
          "production",
          "parameters",
          "reachStepWithin");
      int atStep = integer(fault, "atStep", "fault.", 1);
      if (atStep < 0) {
        throw error(
            "fault.atStep", "must be 0 (right after submission) or a 1-based step, was " + atStep);
      }
      String kindName = text(fault, "kind", "fault.", true);
      FaultKind kind =
          FaultKind.fromWire(kindName)
              .orElseThrow(
                  () ->
                      error(
                          "fault.kind",
                          "unknown kind '"
                              + kindName
                              + "'; known: "
                              + Arrays.stream(FaultKind.values())
                                  .map(FaultKind::wireName)
                                  .collect(Collectors.joining(", "))));
      String trackName = text(fault, "track", "fault.", false);
      Track track;
      try {
        track = trackName == null ? Track.CANARY : Track.fromWire(trackName);
      } catch (IllegalArgumentException e) {
        throw error("fault.track", "must be canary, stable or baseline, was '" + trackName + "'");
      }
      Duration duration = duration(fault, "duration", "fault.", null);
      boolean production = bool(fault, "production", "fault.", false);
      FaultParameters parameters = parameters(fault.get("parameters"), kind);
      Duration reach = duration(fault, "reachStepWithin", "fault.", DEFAULT_REACH_STEP_WITHIN);
      return new GameDay.Fault(atStep, kind, track, duration, production, parameters, reach);
    }

    private FaultParameters parameters(JsonNode node, FaultKind kind) {
      if (node == null || node.isNull()) {
        return FaultParameters.NONE;
      }
      object(node, "fault.parameters");
      FaultParameters parameters;
      try {
        parameters = PARAMETERS.treeToValue(node, FaultParameters.class);
      } catch (UnrecognizedPropertyException e) {
        throw error(
            "fault.parameters." + e.getPropertyName(),
            "unknown member; known: "
                + String.join(
                    ", ",
                    FaultDefaults.membersOf(kind).isEmpty()
                        ? List.of("(none for " + kind.wireName() + ")")
                        : FaultDefaults.membersOf(kind)));
      } catch (InvalidFormatException e) {
        throw error(
            "fault.parameters." + path(e),
            "'" + e.getValue() + "' is not a " + typeName(e.getTargetType()));
      } catch (MismatchedInputException e) {
        JsonNode given = node.at("/" + path(e).replace('.', '/'));
        throw error(
            "fault.parameters." + path(e),
            (given.isMissingNode() ? "" : describe(given) + " is not a ")
                    .concat(given.isMissingNode() ? "must be a " : "")
                + typeName(e.getTargetType()));
      } catch (JsonProcessingException e) {
        throw error("fault.parameters", e.getOriginalMessage());
      }
      try {
        FaultDefaults.check(kind, parameters);
      } catch (FaultRefusedException e) {
        String message = e.getMessage();
        String field =
            message.startsWith("parameters.")
                ? "fault." + message.split(" ", 2)[0]
                : "fault.parameters";
        throw error(field, message.startsWith("parameters.") ? message.split(" ", 2)[1] : message);
      }
      return parameters;
    }

    private GameDay.Expectation expectation(ObjectNode expect) {
      known(expect, "expect.", "phase", "within", "rcaNamesFault");
      String phase = text(expect, "phase", "expect.", true).toUpperCase(Locale.ROOT);
      if (!EXPECTABLE_PHASES.contains(phase)) {
        throw error(
            "expect.phase",
            "must be one of "
                + EXPECTABLE_PHASES.stream().sorted().toList()
                + ", was '"
                + expect.get("phase").asText()
                + "'");
      }
      Duration within = duration(expect, "within", "expect.", DEFAULT_WITHIN);
      boolean quarantined = "QUARANTINED".equals(phase);
      boolean rcaNamesFault = bool(expect, "rcaNamesFault", "expect.", quarantined);
      if (rcaNamesFault && !quarantined) {
        throw error(
            "expect.rcaNamesFault",
            "only a QUARANTINED experiment has an RCA; remove it or expect" + " QUARANTINED");
      }
      return new GameDay.Expectation(phase, within, rcaNamesFault);
    }

    private void known(ObjectNode node, String prefix, String... fields) {
      List<String> allowed = List.of(fields);
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw error(prefix + name, "unknown field; known here: " + String.join(", ", allowed));
        }
      }
    }

    private JsonNode required(ObjectNode node, String field, String prefix) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        throw error(prefix + field, "is required");
      }
      return value;
    }

    private ObjectNode object(JsonNode node, String field) {
      if (!(node instanceof ObjectNode object)) {
        throw error(field, "must be a mapping, was " + describe(node));
      }
      return object;
    }

    private String text(ObjectNode node, String field, boolean required) {
      return text(node, field, "", required);
    }

    private String text(ObjectNode node, String field, String prefix, boolean required) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        if (required) {
          throw error(prefix + field, "is required");
        }
        return null;
      }
      if (!value.isTextual() && !value.isNumber()) {
        throw error(prefix + field, "must be a string, was " + describe(value));
      }
      if (value.asText().isBlank()) {
        throw error(prefix + field, "must not be blank");
      }
      return value.asText();
    }

    private int integer(ObjectNode node, String field, String prefix, int fallback) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        throw error(prefix + field, "must be a whole number, was " + describe(value));
      }
      return value.asInt();
    }

    private boolean bool(ObjectNode node, String field, String prefix, boolean fallback) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isBoolean()) {
        throw error(prefix + field, "must be true or false, was " + describe(value));
      }
      return value.asBoolean();
    }

    private Duration duration(ObjectNode node, String field, String prefix, Duration fallback) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        if (fallback == null) {
          throw error(prefix + field, "is required (an ISO-8601 duration such as PT2M)");
        }
        return fallback;
      }
      Duration parsed;
      try {
        parsed = Duration.parse(value.asText());
      } catch (DateTimeParseException e) {
        throw error(
            prefix + field, "'" + value.asText() + "' is not an ISO-8601 duration such as PT2M");
      }
      if (parsed.isNegative() || parsed.isZero()) {
        throw error(prefix + field, "must be positive, was " + value.asText());
      }
      return parsed;
    }

    private GameDayFormatException error(String field, String problem) {
      return new GameDayFormatException(source, field, problem);
    }

    private static String describe(JsonNode node) {
      if (node == null || node.isNull()) {
        return "empty";
      }
      if (node.isObject()) {
        return "a mapping";
      }
      if (node.isArray()) {
        return "a list";
      }
      return "'" + node.asText() + "'";
    }

    private static String path(MismatchedInputException e) {
      List<String> names = new ArrayList<>();
      e.getPath()
          .forEach(
              ref ->
                  names.add(
                      ref.getFieldName() != null
                          ? ref.getFieldName()
                          : Integer.toString(ref.getIndex())));
      return String.join(".", names);
    }

    private static String typeName(Class<?> type) {
      if (type == null) {
        return "value of the right type";
      }
      if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
        return "whole number";
      }
      if (type == Double.class || type == double.class) {
        return "number";
      }
      return "string";
    }
  }
}
