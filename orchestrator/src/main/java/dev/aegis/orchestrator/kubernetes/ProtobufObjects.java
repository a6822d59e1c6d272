package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The objects kubectl's imperative commands send in Kubernetes' protobuf encoding ({@code kubectl
 * create namespace}, {@code create configmap}), read into their JSON form for the in-process API
 * server, which stores JSON. kubectl does not fall back to JSON when a server refuses protobuf, so
 * without this those commands failed against the standalone cluster.
 *
 * <p>Only the core kinds the standalone cluster serves and kubectl creates imperatively are read
 * (Namespace, ConfigMap), and of their metadata the name, generated name, namespace, labels and
 * annotations: what the commands set. The field numbers are those of the Kubernetes API's {@code
 * generated.proto} files (k8s.io/api/core/v1, k8s.io/apimachinery meta/v1 and runtime).
 */
final class ProtobufObjects {

  /** The four bytes before every protobuf-encoded Kubernetes object: "k8s" and a zero. */
  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

  /** The kinds this reads. */
  static final String KINDS = "Namespaces and ConfigMaps";

  private ProtobufObjects() {}

  /**
   * The JSON of {@code body}, a protobuf-encoded object of core/v1; empty when it is of a kind this
   * does not read.
   *
   * @throws IllegalArgumentException when {@code body} is not a protobuf-encoded Kubernetes object,
   *     with the reason
   */
  static Optional<ObjectNode> toJson(byte[] body) {
    if (body == null
        || body.length < MAGIC.length
        || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException(
          "the body does not start with the Kubernetes protobuf magic");
    }
    // runtime.Unknown: typeMeta = 1 (apiVersion = 1, kind = 2), raw = 2.
    Reader unknown = new Reader(body, MAGIC.length, body.length);
    String apiVersion = null;
    String kind = null;
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
    if (!"v1".equals(apiVersion) || kind == null || raw == null) {
      return Optional.empty();
    }
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    Reader fields = new Reader(raw, 0, raw.length);
    switch (kind) {
      case "Namespace" -> namespace(fields, object);
      case "ConfigMap" -> configMap(fields, object);
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(object);
  }

  private static void namespace(Reader r, ObjectNode object) {
    while (r.more()) {
      switch (r.field()) {
        case 1 -> metadata(r.message(), object);
        case 2 -> {
          // NamespaceSpec: finalizers = 1.
          Reader spec = r.message();
          while (spec.more()) {
            if (spec.field() == 1) {
              object.withObjectProperty("spec").withArrayProperty("finalizers").add(spec.string());
            } else {
              spec.skip();
            }
          }
        }
        default -> r.skip();
      }
    }
  }

  private static void configMap(Reader r, ObjectNode object) {
    while (r.more()) {
      switch (r.field()) {
        case 1 -> metadata(r.message(), object);
        case 2 -> entry(r.message(), object.withObjectProperty("data"), false);
        case 3 -> entry(r.message(), object.withObjectProperty("binaryData"), true);
        case 4 -> object.put("immutable", r.varint() != 0);
        default -> r.skip();
      }
    }
  }

  /** ObjectMeta: name = 1, generateName = 2, namespace = 3, labels = 11, annotations = 12. */
  private static void metadata(Reader r, ObjectNode object) {
    ObjectNode metadata = object.withObjectProperty("metadata");
    while (r.more()) {
      switch (r.field()) {
        case 1 -> metadata.put("name", r.string());
        case 2 -> metadata.put("generateName", r.string());
        case 3 -> metadata.put("namespace", r.string());
        case 11 -> entry(r.message(), metadata.withObjectProperty("labels"), false);
        case 12 -> entry(r.message(), metadata.withObjectProperty("annotations"), false);
        default -> r.skip();
      }
    }
  }

  /** A map entry (key = 1, value = 2) into {@code map}; bytes values as JSON does, in base64. */
  private static void entry(Reader r, ObjectNode map, boolean bytes) {
    String key = "";
    String value = "";
    while (r.more()) {
      switch (r.field()) {
        case 1 -> key = r.string();
        case 2 ->
            value =
                bytes
                    ? Base64.getEncoder().encodeToString(r.bytes())
                    : new String(r.bytes(), StandardCharsets.UTF_8);
        default -> r.skip();
      }
    }
    map.put(key, value);
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

    private void advance(int n) {
      if (n > end - position) {
        throw new IllegalArgumentException("protobuf field longer than its message");
      }
      position += n;
    }
  }
}
