package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code meta.k8s.io/v1} Tables, the server-side printing {@code kubectl get} asks for: the columns
 * a real API server prints for Deployments, Services, Pods and Namespaces, a custom resource's
 * {@code additionalPrinterColumns} (so {@code kubectl get aexp} shows phase, step and weight), and
 * name and age for everything else.
 */
final class ObjectTables {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * One column: its header, its type ({@code string}, {@code integer}, {@code date}...), its cell.
   */
  record Column(String name, String type, int priority, Function<JsonNode, JsonNode> cell) {}

  private ObjectTables() {}

  /**
   * The columns for {@code kind}; {@code customResourceDefinition} is the kind's definition when it
   * is a custom resource (missing otherwise).
   */
  static List<Column> columns(
      String group, String kind, JsonNode customResourceDefinition, Instant now) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("Name", "string", 0, o -> o.path("metadata").path("name")));
    Column age =
        new Column("Age", "string", 0, o -> age(o.path("metadata").path("creationTimestamp"), now));
    switch (group + "/" + kind) {
      case "apps/Deployment" -> {
        columns.add(
            new Column(
                "Ready",
                "string",
                0,
                o ->
                    JSON.textNode(
                        o.path("status").path("readyReplicas").asInt(0)
                            + "/"
                            + o.path("spec").path("replicas").asInt(1))));
        columns.add(new Column("Up-to-date", "integer", 0, o -> number(o, "updatedReplicas")));
        columns.add(new Column("Available", "integer", 0, o -> number(o, "availableReplicas")));
        columns.add(age);
        columns.add(new Column("Containers", "string", 1, o -> containers(o, "name")));
        columns.add(new Column("Images", "string", 1, o -> containers(o, "image")));
      }
      case "/Service" -> {
        columns.add(
            new Column("Type", "string", 0, o -> text(o.path("spec").path("type"), "ClusterIP")));
        columns.add(
            new Column(
                "Cluster-IP", "string", 0, o -> text(o.path("spec").path("clusterIP"), "<none>")));
        columns.add(new Column("External-IP", "string", 0, o -> JSON.textNode("<none>")));
        columns.add(new Column("Port(s)", "string", 0, ObjectTables::ports));
        columns.add(age);
      }
      case "/Pod" -> {
        columns.add(new Column("Ready", "string", 0, ObjectTables::podReady));
        columns.add(
            new Column(
                "Status", "string", 0, o -> text(o.path("status").path("phase"), "Unknown")));
        columns.add(new Column("Restarts", "integer", 0, ObjectTables::restarts));
        columns.add(age);
      }
      case "/Namespace" -> {
        columns.add(
            new Column("Status", "string", 0, o -> text(o.path("status").path("phase"), "Active")));
        columns.add(age);
      }
      default -> {
        JsonNode printed = printerColumns(customResourceDefinition);
        if (printed.isEmpty()) {
          columns.add(age);
        }
        for (JsonNode column : printed) {
          String type = column.path("type").asText("string");
          String path = column.path("jsonPath").asText("");
          columns.add(
              new Column(
                  column.path("name").asText(),
                  "date".equals(type) ? "string" : type,
                  column.path("priority").asInt(0),
                  "date".equals(type) ? o -> age(at(o, path), now) : o -> at(o, path)));
        }
      }
    }
    return columns;
  }

  /**
   * A Table of {@code objects} ({@code includeObject}: {@code None}, {@code Metadata} or {@code
   * Object}, what each row carries).
   */
  static ObjectNode table(
      List<Column> columns, List<JsonNode> objects, String resourceVersion, String includeObject) {
    ObjectNode table = JSON.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column column : columns) {
      ObjectNode definition = definitions.addObject();
      definition.put("name", column.name());
      definition.put("type", column.type());
      definition.put("format", column.name().equals("Name") ? "name" : "");
      definition.put("description", "");
      definition.put("priority", column.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column column : columns) {
        JsonNode cell = column.cell().apply(object);
        cells.add(cell.isMissingNode() ? JSON.nullNode() : cell);
      }
      switch (includeObject) {
        case "None" -> {}
        case "Object" -> row.set("object", object);
        default -> {
          ObjectNode partial = row.putObject("object");
          partial.put("kind", "PartialObjectMetadata");
          partial.put("apiVersion", "meta.k8s.io/v1");
          partial.set("metadata", object.path("metadata"));
        }
      }
    }
    return table;
  }

  /**
   * The value at a printer column's JSONPath: dotted fields with optional {@code [n]} indexes, the
   * form every column of Aegis's CRD uses.
   */
  static JsonNode at(JsonNode object, String jsonPath) {
    JsonNode node = object;
    for (String step : jsonPath.replace("[", ".[").split("\\.")) {
      if (step.isEmpty()) {
        continue;
      }
      if (step.startsWith("[") && step.endsWith("]")) {
        try {
          node = node.path(Integer.parseInt(step.substring(1, step.length() - 1)));
        } catch (NumberFormatException e) {
          return JSON.missingNode();
        }
      } else {
        node = node.path(step);
      }
    }
    return node;
  }

  /**
   * Time since {@code timestamp}, as kubectl prints it ({@code 45s}, {@code 3m12s}, {@code 5d}).
   */
  static JsonNode age(JsonNode timestamp, Instant now) {
    if (!timestamp.isTextual()) {
      return JSON.textNode("<unknown>");
    }
    try {
      return JSON.textNode(humanDuration(Duration.between(Instant.parse(timestamp.asText()), now)));
    } catch (DateTimeParseException e) {
      return JSON.textNode("<unknown>");
    }
  }

  /** Kubernetes' {@code duration.HumanDuration}. */
  static String humanDuration(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  private static JsonNode printerColumns(JsonNode crd) {
    if (crd == null) {
      return JSON.arrayNode();
    }
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (version.path("storage").asBoolean(false)
          || crd.path("spec").path("versions").size() == 1) {
        return version.path("additionalPrinterColumns");
      }
    }
    return JSON.arrayNode();
  }

  private static JsonNode number(JsonNode deployment, String field) {
    return JSON.numberNode(deployment.path("status").path(field).asInt(0));
  }

  private static JsonNode text(JsonNode value, String otherwise) {
    return JSON.textNode(
        value.isValueNode() && !value.asText().isEmpty() ? value.asText() : otherwise);
  }

  private static JsonNode containers(JsonNode deployment, String field) {
    List<String> values = new ArrayList<>();
    deployment
        .path("spec")
        .path("template")
        .path("spec")
        .path("containers")
        .forEach(c -> values.add(c.path(field).asText()));
    return JSON.textNode(String.join(",", values));
  }

  private static JsonNode ports(JsonNode service) {
    List<String> ports = new ArrayList<>();
    for (JsonNode port : service.path("spec").path("ports")) {
      String protocol = port.path("protocol").asText("TCP");
      ports.add(
          port.path("port").asText()
              + (port.has("nodePort") ? ":" + port.path("nodePort").asText() : "")
              + "/"
              + protocol);
    }
    return JSON.textNode(ports.isEmpty() ? "<none>" : String.join(",", ports));
  }

  private static JsonNode podReady(JsonNode pod) {
    int containers = pod.path("spec").path("containers").size();
    int ready = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      if (status.path("ready").asBoolean(false)) {
        ready++;
      }
    }
    return JSON.textNode(ready + "/" + containers);
  }

  private static JsonNode restarts(JsonNode pod) {
    int restarts = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      restarts += status.path("restartCount").asInt(0);
    }
    return JSON.numberNode(restarts);
  }
}
