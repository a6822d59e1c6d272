package dev.aegis.orchestrator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * kubectl's imperative creates in protobuf, read into JSON. The bodies are encoded here field by
 * field as the Kubernetes API's generated.proto numbers them; KubectlAgainstStandaloneIT sends real
 * ones with the kubectl binary.
 */
class ProtobufObjectsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName(
      "a Namespace with labels and a finalizer, the empty fields Go's encoder writes skipped")
  void namespace() throws Exception {
    byte[] metadata =
        concat(
            string(1, "team-a"),
            string(5, ""),
            varintField(7, 0),
            message(11, concat(string(1, "tier"), string(2, "gold"))),
            message(12, concat(string(1, "owner"), string(2, "sre@example.org"))));
    byte[] body =
        object(
            "v1", "Namespace", concat(message(1, metadata), message(2, string(1, "kubernetes"))));

    assertThat(read(body))
        .isEqualTo(
            JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-a\","
                    + "\"labels\":{\"tier\":\"gold\"},\"annotations\":{\"owner\":\"sre@example.org\"}},"
                    + "\"spec\":{\"finalizers\":[\"kubernetes\"]}}"));
  }

  @Test
  @DisplayName("a ConfigMap's data, its binary data in base64, and immutable")
  void configMap() throws Exception {
    byte[] meta = message(1, concat(string(1, "settings"), string(3, "team-a")));
    byte[] configMap =
        object(
            "v1",
            "ConfigMap",
            concat(
                meta,
                message(2, concat(string(1, "mode"), string(2, "fast"))),
                message(3, concat(string(1, "blob"), bytes(2, new byte[] {0, (byte) 0xff}))),
                varintField(4, 1)));
    assertThat(read(configMap))
        .isEqualTo(
            JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\","
                    + "\"namespace\":\"team-a\"},\"data\":{\"mode\":\"fast\"},"
                    + "\"binaryData\":{\"blob\":\"AP8=\"},\"immutable\":true}"));
  }

  @Test
  @DisplayName(
      "a Deployment as kubectl create deployment makes it: replicas, selector, template labels, a"
          + " container with its port, and the empty fields Go's encoder writes")
  void deployment() throws Exception {
    byte[] labels = message(11, concat(string(1, "app"), string(2, "web")));
    byte[] container =
        concat(
            string(1, "web"),
            string(2, "registry.local/web:1"),
            string(3, "serve"),
            string(4, "--fast"),
            string(4, ""),
            message(6, concat(string(1, ""), varintField(2, 0), varintField(3, 8080))),
            message(8, new byte[0]),
            string(13, ""),
            varintField(16, 0));
    byte[] podSpec = concat(message(2, container), string(3, ""), message(14, new byte[0]));
    byte[] spec =
        concat(
            varintField(1, 2),
            message(2, message(1, concat(string(1, "app"), string(2, "web")))),
            message(3, concat(message(1, labels), message(2, podSpec))),
            message(4, string(1, "")),
            varintField(5, 0));
    byte[] body =
        object(
            "apps/v1",
            "Deployment",
            concat(
                message(
                    1,
                    concat(string(1, "web"), string(3, "team-a"), labels, message(8, new byte[0]))),
                message(2, spec),
                message(3, new byte[0])));

    assertThat(read(body))
        .isEqualTo(
            JSON.readTree(
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","
                    + "\"namespace\":\"team-a\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":2,"
                    + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":"
                    + "{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\","
                    + "\"image\":\"registry.local/web:1\",\"command\":[\"serve\"],\"args\":[\"--fast\",\"\"],"
                    + "\"ports\":[{\"containerPort\":8080}]}]}},\"strategy\":{}}}"));
  }

  @Test
  @DisplayName(
      "a Service's ports with a numeric and a named target port, a node port only when set, its"
          + " selector and type")
  void service() throws Exception {
    byte[] numeric =
        concat(
            string(1, "80-8080"),
            string(2, "TCP"),
            varintField(3, 80),
            message(4, concat(varintField(1, 0), varintField(2, 8080), string(3, ""))),
            varintField(5, 0));
    byte[] named =
        concat(
            varintField(3, 443),
            message(4, concat(varintField(1, 1), varintField(2, 0), string(3, "https"))),
            varintField(5, 30443));
    byte[] spec =
        concat(
            message(1, numeric),
            message(1, named),
            message(2, concat(string(1, "app"), string(2, "web"))),
            string(3, ""),
            string(4, "ClusterIP"));
    byte[] body = object("v1", "Service", concat(message(1, string(1, "web")), message(2, spec)));

    assertThat(read(body))
        .isEqualTo(
            JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"},"
                    + "\"spec\":{\"ports\":[{\"name\":\"80-8080\",\"protocol\":\"TCP\",\"port\":80,"
                    + "\"targetPort\":8080},{\"port\":443,\"targetPort\":\"https\",\"nodePort\":30443}],"
                    + "\"selector\":{\"app\":\"web\"},\"type\":\"ClusterIP\"}}"));
  }

  @Test
  @DisplayName(
      "a kind it does not read, or a field set that its schema lacks, is refused with which one;"
          + " nothing is dropped")
  void unsupported() {
    byte[] meta = message(1, string(1, "web"));
    assertThatThrownBy(() -> ProtobufObjects.toJson(object("v1", "Secret", meta)))
        .isInstanceOf(ProtobufObjects.Unsupported.class)
        .hasMessageContaining("v1 Secret");
    assertThatThrownBy(() -> ProtobufObjects.toJson(object("apps/v1", "StatefulSet", meta)))
        .isInstanceOf(ProtobufObjects.Unsupported.class);
    // A container with an environment variable (Container field 7): not read, so refused.
    byte[] env = message(7, concat(string(1, "MODE"), string(2, "fast")));
    byte[] withEnv =
        object(
            "apps/v1",
            "Deployment",
            concat(
                meta,
                message(2, message(3, message(2, message(2, concat(string(1, "web"), env)))))));
    assertThatThrownBy(() -> ProtobufObjects.toJson(withEnv))
        .isInstanceOf(ProtobufObjects.Unsupported.class)
        .hasMessageContaining("Container sets field 7");
    // A ConfigMap's metadata with an owner reference (field 13): refused too.
    byte[] owned =
        object(
            "v1", "ConfigMap", message(1, concat(string(1, "c"), message(13, string(5, "uid")))));
    assertThatThrownBy(() -> ProtobufObjects.toJson(owned))
        .isInstanceOf(ProtobufObjects.Unsupported.class)
        .hasMessageContaining("ObjectMeta sets field 13");
  }

  @Test
  @DisplayName("a body without the magic, truncated, or with a field longer than its message")
  void malformed() {
    assertThatThrownBy(() -> ProtobufObjects.toJson("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("magic");
    byte[] body = object("v1", "Namespace", message(1, string(1, "team-a")));
    assertThatThrownBy(() -> ProtobufObjects.toJson(Arrays.copyOf(body, body.length - 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than its message");
    // An unknown field nested 100 000 deep: refused as set, without exhausting the stack.
    byte[] deep = object("v1", "Namespace", message(3, nested(100_000)));
    assertThatThrownBy(() -> ProtobufObjects.toJson(deep))
        .isInstanceOf(ProtobufObjects.Unsupported.class)
        .hasMessageContaining("Namespace sets field 3");
    byte[] tooLong = concat(new byte[] {0x6b, 0x38, 0x73, 0x00}, new byte[] {0x12, 0x7f, 0x01});
    assertThatThrownBy(() -> ProtobufObjects.toJson(tooLong))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static JsonNode read(byte[] body) throws ProtobufObjects.Unsupported {
    return ProtobufObjects.toJson(body);
  }

  /** The "k8s\0" magic, then runtime.Unknown: typeMeta = 1, raw = 2. */
  private static byte[] object(String apiVersion, String kind, byte[] raw) {
    return concat(
        new byte[] {0x6b, 0x38, 0x73, 0x00},
        message(1, concat(string(1, apiVersion), string(2, kind))),
        bytes(2, raw),
        string(4, "application/vnd.kubernetes.protobuf"));
  }

  /** Field 1 holding field 1 holding ... {@code depth} levels deep, built from the inside out. */
  private static byte[] nested(int depth) {
    byte[] out = new byte[depth * 6];
    int start = out.length;
    for (int i = 0; i < depth; i++) {
      byte[] prefix = concat(varint((1 << 3) | 2), varint(out.length - start));
      start -= prefix.length;
      System.arraycopy(prefix, 0, out, start, prefix.length);
    }
    return Arrays.copyOfRange(out, start, out.length);
  }

  private static byte[] string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] message(int field, byte[] value) {
    return bytes(field, value);
  }

  private static byte[] bytes(int field, byte[] value) {
    return concat(varint((field << 3) | 2), varint(value.length), value);
  }

  private static byte[] varintField(int field, long value) {
    return concat(varint(field << 3), varint(value));
  }

  private static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
