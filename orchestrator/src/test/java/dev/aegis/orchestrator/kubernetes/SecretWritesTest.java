package dev.aegis.orchestrator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Secrets written to the in-process Kubernetes API keep what an API server keeps: {@code
 * stringData} is folded into {@code data}, base64-encoded, on create, replace and patch (merge and
 * JSON patches).
 */
class SecretWritesTest {

  private AegisKubernetes cluster;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    cluster = AegisKubernetes.inProcess(0, List.of());
    client = cluster.client();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  @DisplayName("stringData is stored as base64 data on create, over a data entry of the same key")
  void createFoldsStringData() {
    Secret answered =
        client
            .resource(
                creds()
                    .addToData("user", base64("old"))
                    .addToData("kept", base64("k"))
                    .addToStringData("user", "admin")
                    .addToStringData("password", "s3cret")
                    .build())
            .create();

    assertAnsweredAndStored(
        answered,
        Map.of("user", base64("admin"), "password", base64("s3cret"), "kept", base64("k")));
  }

  @Test
  @DisplayName("a merge patch's stringData is folded into the stored data too")
  void patchFoldsStringData() {
    Secret answered = patchedCreds(PatchType.JSON_MERGE, "{\"stringData\":{\"password\":\"new\"}}");

    assertAnsweredAndStored(answered, Map.of("user", base64("admin"), "password", base64("new")));
  }

  @Test
  @DisplayName("a JSON patch that adds stringData is folded into the stored data too")
  void jsonPatchFoldsStringData() {
    Secret answered =
        patchedCreds(
            PatchType.JSON,
            "[{\"op\": \"add\", \"path\": \"/stringData\", \"value\": {\"password\": \"new\"}}]");

    assertAnsweredAndStored(answered, Map.of("user", base64("admin"), "password", base64("new")));
  }

  /** Creates demo/creds with {@code user: admin} in its data, patches it; the patch's answer. */
  private Secret patchedCreds(PatchType type, String patch) {
    client.resource(creds().addToData("user", base64("admin")).build()).create();
    return client
        .secrets()
        .inNamespace("demo")
        .withName("creds")
        .patch(PatchContext.of(type), patch);
  }

  /**
   * The Secret a write answered with and demo/creds as then stored both hold {@code data} and no
   * {@code stringData}.
   */
  private void assertAnsweredAndStored(Secret answered, Map<String, String> data) {
    Secret stored = client.secrets().inNamespace("demo").withName("creds").get();
    for (Secret secret : List.of(answered, stored)) {
      assertThat(secret.getStringData()).isNullOrEmpty();
      assertThat(secret.getData()).containsExactlyInAnyOrderEntriesOf(data);
    }
  }

  /** The Secret demo/creds, its contents to add. */
  private static SecretBuilder creds() {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("creds")
        .withNamespace("demo")
        .endMetadata();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
