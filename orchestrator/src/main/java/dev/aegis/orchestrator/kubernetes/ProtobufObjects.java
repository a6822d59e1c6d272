package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The objects kubectl's imperative commands send in Kubernetes' protobuf encoding ({@code kubectl
 * create namespace}, {@code create configmap}, {@code create deployment}, {@code create service}),
 * read into their JSON form for the in-process API server, which stores JSON. kubectl does not fall
 * back to JSON when a server refuses protobuf, so without this those commands failed against the
 * standalone cluster.
 *
 * <p>Each kind is read by a schema of the fields those commands set; the field numbers are those of
 * the Kubernetes API's {@code generated.proto} files (k8s.io/api core/v1 and apps/v1,
 * k8s.io/apimachinery meta/v1 and runtime). A field the schema does not know is accepted only when
 * it carries nothing (an empty string, a zero, an empty message, as Go's encoder writes unset
 * fields): nothing a client set is dropped; an object that sets more is refused ({@link
 * Unsupported}), and the client can send it as JSON.
 */
final class ProtobufObjects {

  /** The four bytes before every protobuf-encoded Kubernetes object: "k8s" and a zero. */
  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

  /** The kinds this reads, for messages. */
  static final String KINDS = "Namespaces, ConfigMaps, Deployments and Services";

  /** An object this does not read: of another kind, or setting a field its schema lacks. */
  static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message);
    }
  }

  private enum Scalar {
    STRING,
    INT,
    /** A number JSON leaves out when zero ({@code omitempty}), as Go's encoder writes it anyway. */
    OPTIONAL_INT,
    BOOL,
    /** Bytes, written as JSON writes them: base64. */
    BASE64,
    /** An IntOrString (type = 1, intVal = 2, strVal = 3): a number or a string. */
    INT_OR_STRING
  }

  /** A field: its JSON name, and a scalar, a {@link Message}, or a map of strings to a scalar. */
  private record Field(String json, Object type, boolean repeated) {
    static Field of(String json, Object type) {
      return new Field(json, type, false);
    }

    static Field list(String json, Object type) {
      return new Field(json, type, true);
    }
  }

  private record MapOf(Scalar value) {}

  private record Message(String name, Map<Integer, Field> fields) {}

  private static final Message OBJECT_META =
      new Message(
          "ObjectMeta",
          Map.of(
              1, Field.of("name", Scalar.STRING),
              2, Field.of("generateName", Scalar.STRING),
              3, Field.of("namespace", Scalar.STRING),
              11, Field.of("labels", new MapOf(Scalar.STRING)),
              12, Field.of("annotations", new MapOf(Scalar.STRING))));

  /** A kind of object: its metadata (field 1) and its spec (field 2); its status is not read. */
  private static Message kind(String kind, Message spec) {
    return new Message(
        kind, Map.of(1, Field.of("metadata", OBJECT_META), 2, Field.of("spec", spec)));
  }

  private static final Message NAMESPACE =
      kind(
          "Namespace",
          new Message("NamespaceSpec", Map.of(1, Field.list("finalizers", Scalar.STRING))));

  private static final Message CONFIG_MAP =
      new Message(
          "ConfigMap",
          Map.of(
              1, Field.of("metadata", OBJECT_META),
              2, Field.of("data", new MapOf(Scalar.STRING)),
              3, Field.of("binaryData", new MapOf(Scalar.BASE64)),
              4, Field.of("immutable", Scalar.BOOL)));

  private static final Message CONTAINER =
      new Message(
          "Container",
          Map.of(
              1, Field.of("name", Scalar.STRING),
              2, Field.of("image", Scalar.STRING),
              3, Field.list("command", Scalar.STRING),
              4, Field.list("args", Scalar.STRING),
              6,
                  Field.list(
                      "ports",
                      new Message(
                          "ContainerPort",
                          Map.of(
                              1, Field.of("name", Scalar.STRING),
                              3, Field.of("containerPort", Scalar.INT),
                              4, Field.of("protocol", Scalar.STRING))))));

  private static final Message POD_TEMPLATE =
      new Message(
          "PodTemplateSpec",
          Map.of(
              1, Field.of("metadata", OBJECT_META),
              2,
                  Field.of(
                      "spec",
                      new Message("PodSpec", Map.of(2, Field.list("containers", CONTAINER))))));

  private static final Message DEPLOYMENT_SPEC =
      new Message(
          "DeploymentSpec",
          Map.of(
              1, Field.of("replicas", Scalar.INT),
              2,
                  Field.of(
                      "selector",
                      new Message(
                          "LabelSelector",
                          Map.of(1, Field.of("matchLabels", new MapOf(Scalar.STRING))))),
              3, Field.of("template", POD_TEMPLATE),
              4,
                  Field.of(
                      "strategy",
                      new Message(
                          "DeploymentStrategy", Map.of(1, Field.of("type", Scalar.STRING))))));

  private static final Message DEPLOYMENT = kind("Deployment", DEPLOYMENT_SPEC);

  private static final Message SERVICE_PORT =
      new Message(
          "ServicePort",
          Map.of(
              1, Field.of("name", Scalar.STRING),
              2, Field.of("protocol", Scalar.STRING),
              3, Field.of("port", Scalar.INT),
              4, Field.of("targetPort", Scalar.INT_OR_STRING),
              5, Field.of("nodePort", Scalar.OPTIONAL_INT)));

  private static final Message SERVICE_SPEC =
      new Message(
          "ServiceSpec",
          Map.of(
              1, Field.list("ports", SERVICE_PORT),
              2, Field.of("selector", new MapOf(Scalar.STRING)),
              3, Field.of("clusterIP", Scalar.STRING),
              4, Field.of("type", Scalar.STRING),
              10, Field.of("externalName", Scalar.STRING)));

  private static final Message SERVICE = kind("Service", SERVICE_SPEC);

  /** By API version and kind, the schema of the objects this reads. */
  private static final Map<String, Message> KNOWN =
      Map.of(
          "v1/Namespace",
          NAMESPACE,
          "v1/ConfigMap",
          CONFIG_MAP,
          "v1/Service",
          SERVICE,
          "apps/v1/Deployment",
          DEPLOYMENT);

  private ProtobufObjects() {}

  /**
   * The JSON of {@code body}, a protobuf-encoded Kubernetes object.
   *
   * @throws Unsupported when it is of a kind this does not read, or sets a field this does not read
   * @throws IllegalArgumentException when {@code body} is not a protobuf-encoded Kubernetes object,
   *     with the reason
   */
  static ObjectNode toJson(byte[] body) throws Unsupported {
    if (body == null
        || body.length < MAGIC.length
        || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException(
          "the body does not start with the Kubernetes protobuf magic");
    }
    // runtime.Unknown: typeMeta = 1 (apiVersion = 1, kind = 2), raw = 2.
    Reader unknown = new Reader(body, MAGIC.length, body.length);
    String apiVersion = "";
    String kind = "";
    byte[] raw = null;
    while (unknown.more()) {
      int field = unknown.field();
      if (field == 1) {
        Reader typeMeta = unknown.message();
        while (typeMeta.more()) {
          switch (typeMeta.field()) {
            case 1 -> apiVersion = typeMeta.string();
            case 2 -> kind = typeMeta.string();
            default -> typeMeta.skip();
          }
        }
      } else if (field == 2) {
        raw = unknown.bytes();
      } else {
        unknown.skip();
      }
    }
    Message schema = KNOWN.get(apiVersion + "/" + kind);
    if (schema == null || raw == null) {
      throw new Unsupported(
          "a " + (kind.isEmpty() ? "object" : apiVersion + " " + kind) + " is not one it reads");
    }
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    read(new Reader(raw, 0, raw.length), schema, object);
    return object;
  }

  private static void read(Reader r, Message schema, ObjectNode into) throws Unsupported {
    while (r.more()) {
      int number = r.field();
      Field field = schema.fields().get(number);
      if (field == null) {
        if (!r.skipEmpty(0)) {
          throw new Unsupported(
              "this " + schema.name() + " sets field " + number + ", which it does not read");
        }
        continue;
      }
      if (field.type() instanceof MapOf map) {
        entry(r.message(), map.value(), into.withObjectProperty(field.json()));
        continue;
      }
      JsonNode value;
      if (field.type() instanceof Message message) {
        ObjectNode inner = JsonNodeFactory.instance.objectNode();
        read(r.message(), message, inner);
        value = inner;
      } else {
        value = scalar(r, (Scalar) field.type());
        if (value == null && field.repeated()) {
          value = JsonNodeFactory.instance.textNode(""); // an element: an empty argument stays
        } else if (value == null) {
          continue; // what JSON leaves out
        }
      }
      if (field.repeated()) {
        into.withArrayProperty(field.json()).add(value);
      } else {
        into.set(field.json(), value);
      }
    }
  }

  /** A scalar value, or null for what JSON leaves out: an empty string, an optional zero. */
  private static JsonNode scalar(Reader r, Scalar type) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    return switch (type) {
      case STRING -> {
        String s = r.string();
        yield s.isEmpty() ? null : json.textNode(s);
      }
      case INT -> json.numberNode((int) r.varint());
      case OPTIONAL_INT -> {
        int n = (int) r.varint();
        yield n == 0 ? null : json.numberNode(n);
      }
      case BOOL -> json.booleanNode(r.varint() != 0);
      case BASE64 -> json.textNode(Base64.getEncoder().encodeToString(r.bytes()));
      case INT_OR_STRING -> intOrString(r.message());
    };
  }

  private static JsonNode intOrString(Reader r) {
    long type = 0;
    int number = 0;
    String text = "";
    while (r.more()) {
      switch (r.field()) {
        case 1 -> type = r.varint();
        case 2 -> number = (int) r.varint();
        case 3 -> text = r.string();
        default -> r.skip();
      }
    }
    return type == 1
        ? JsonNodeFactory.instance.textNode(text)
        : JsonNodeFactory.instance.numberNode(number);
  }

  /** A map entry (key = 1, value = 2) into {@code map}; a missing value is empty. */
  private static void entry(Reader r, Scalar type, ObjectNode map) {
    String key = "";
    JsonNode value = JsonNodeFactory.instance.textNode("");
    while (r.more()) {
      switch (r.field()) {
        case 1 -> key = r.string();
        case 2 -> {
          JsonNode v = scalar(r, type);
          if (v != null) {
            value = v;
          }
        }
        default -> r.skip();
      }
    }
    map.set(key, value);
  }

  /** The protobuf wire format, over a range of a byte array. */
  private static final class Reader {
    private final byte[] bytes;
    private final int end;
    private int position;
    private int wireType;

    Reader(byte[] bytes, int from, int end) {
      this.bytes = bytes;
      this.position = from;
      this.end = end;
    }

    boolean more() {
      return position < end;
    }

    /** The next field's number; its value is read next. */
    int field() {
      long tag = varint();
      wireType = (int) (tag & 7);
      long number = tag >>> 3;
      if (number < 1 || number > 536_870_911) {
        throw new IllegalArgumentException("invalid protobuf field number " + number);
      }
      return (int) number;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= end) {
          throw new IllegalArgumentException("truncated protobuf varint");
        }
        byte b = bytes[position++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("protobuf varint longer than ten bytes");
    }

    byte[] bytes() {
      int length = length();
      byte[] out = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return out;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Reader message() {
      int length = length();
      Reader inner = new Reader(bytes, position, position + length);
      position += length;
      return inner;
    }

    private int length() {
      if (wireType != 2) {
        throw new IllegalArgumentException(
            "protobuf field of wire type " + wireType + " where a length-delimited one belongs");
      }
      long length = varint();
      if (length < 0 || length > end - position) {
        throw new IllegalArgumentException("protobuf field longer than its message");
      }
      return (int) length;
    }

    /** Skips the value of the field just read. */
    void skip() {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> advance(length());
        case 5 -> advance(4);
        default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
      }
    }

    /** How deep {@link #skipEmpty} looks into nested messages before calling a value set. */
    private static final int MAX_DEPTH = 16;

    /**
     * Skips the value of the field just read, and says whether it carried nothing: a zero, no
     * bytes, or a message whose every field carries nothing, nested at most {@value #MAX_DEPTH}
     * deep (a body nested deeper is not taken for empty, and cannot exhaust the stack).
     */
    boolean skipEmpty(int depth) {
      switch (wireType) {
        case 0:
          return varint() == 0;
        case 1:
          return zeros(8);
        case 5:
          return zeros(4);
        case 2:
          Reader inner = message();
          if (inner.more() && depth >= MAX_DEPTH) {
            return false;
          }
          try {
            while (inner.more()) {
              inner.field();
              if (!inner.skipEmpty(depth + 1)) {
                return false;
              }
            }
            return true;
          } catch (IllegalArgumentException notAMessage) {
            return false; // non-empty bytes or text
          }
        default:
          throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
      }
    }

    private boolean zeros(int n) {
      int from = position;
      advance(n);
      for (int i = from; i < position; i++) {
        if (bytes[i] != 0) {
          return false;
        }
      }
      return true;
    }

    private void advance(int n) {
      if (n > end - position) {
        throw new IllegalArgumentException("protobuf field longer than its message");
      }
      position += n;
    }
  }
}
