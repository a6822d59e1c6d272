package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What an API server does with a Secret's {@code stringData}: each entry written into {@code data},
 * base64-encoded, over an entry of the same key, and {@code stringData} dropped (it is write-only).
 * The in-process API applies it to every Secret it stores ({@link
 * IndexedCrudDispatcher#processEvent}) and to every Secret a write answers with ({@link
 * ApiServerDispatcher}), whatever the write: create, replace, or any kind of patch.
 */
final class SecretData {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SecretData() {}

  /**
   * {@code secret} (a serialized Secret) with its {@code stringData} folded into its {@code data};
   * {@code secret} itself when it has none, or is not JSON.
   */
  static String folded(String secret) {
    if (secret == null || !secret.contains("\"stringData\"")) {
      return secret;
    }
    try {
      JsonNode node = JSON.readTree(secret);
      return fold(node) ? JSON.writeValueAsString(node) : secret;
    } catch (JsonProcessingException e) {
      return secret; // not JSON: nothing an API server would store as a Secret
    }
  }

  /** Folds {@code secret}'s {@code stringData} into its {@code data}; whether it had any. */
  static boolean fold(JsonNode secret) {
    if (!(secret instanceof ObjectNode object)
        || !(secret.get("stringData") instanceof ObjectNode)) {
      return false;
    }
    ObjectNode strings = (ObjectNode) object.remove("stringData");
    ObjectNode data =
        object.get("data") instanceof ObjectNode existing ? existing : object.putObject("data");
    strings
        .fields()
        .forEachRemaining(
            e ->
                data.put(
                    e.getKey(),
                    Base64.getEncoder()
                        .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    return true;
  }
}
