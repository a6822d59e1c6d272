package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What {@code aegis submit -f} sends for each form of file it accepts. */
class ExperimentFileTest {

  @Test
  @DisplayName(
      "the repository's example Experiment manifest becomes its spec, with the namespace from metadata")
  void exampleManifest() throws Exception {
    Path example = Path.of("../kubernetes/examples/experiment.yaml");
    JsonNode body =
        ExperimentFile.submission(
            Files.readString(example, StandardCharsets.UTF_8), "experiment.yaml");
    assertThat(body.path("service").asText()).isEqualTo("checkout");
    assertThat(body.path("namespace").asText()).isEqualTo("shop");
    assertThat(body.path("candidate").path("version").asText()).isEqualTo("1.4.2");
    assertThat(body.path("policy").path("steps").get(0).path("minDuration").asText())
        .isEqualTo("PT24H");
    assertThat(body.has("apiVersion")).isFalse();
    assertThat(body.has("metadata")).isFalse();
  }

  @Test
  @DisplayName("a namespace in the spec wins over the manifest's metadata")
  void specNamespaceWins() {
    JsonNode body =
        ExperimentFile.submission(
            """
        apiVersion: aegis.dev/v1alpha1
        kind: Experiment
        metadata: {name: x, namespace: gitops}
        spec: {service: cart, namespace: shop, candidate: {version: v2, image: r/cart:v2}}
        """,
            "f");
    assertThat(body.path("namespace").asText()).isEqualTo("shop");
  }

  @Test
  @DisplayName("the REST body is sent as written, in YAML or JSON")
  void restBody() {
    String json =
        "{\"service\": \"cart\", \"namespace\": \"shop\", \"candidate\": {\"version\": \"v2\", \"image\": \"r/cart:v2\"},"
            + " \"policy\": {\"slo\": {\"maxErrorRate\": 0.02}}}";
    JsonNode fromJson = ExperimentFile.submission(json, "f.json");
    JsonNode fromYaml =
        ExperimentFile.submission(
            """
        service: cart
        namespace: shop
        candidate:
          version: v2
          image: r/cart:v2
        policy:
          slo:
            maxErrorRate: 0.02
        """,
            "f.yaml");
    assertThat(fromYaml).isEqualTo(fromJson);
    assertThat(fromJson.toString()).contains("\"maxErrorRate\":0.02");
  }

  @Test
  @DisplayName("an unquoted version that looks like a number keeps the digits that were written")
  void numericVersionStaysText() {
    JsonNode body =
        ExperimentFile.submission(
            """
        service: cart
        namespace: shop
        candidate: {version: 1.10, image: r/cart:1.10}
        """,
            "f");
    assertThat(body.path("candidate").path("version").isTextual()).isTrue();
    assertThat(body.path("candidate").path("version").asText()).isEqualTo("1.10");
  }

  @Test
  @DisplayName("files that are not one experiment are usage errors naming the file")
  void notAnExperiment() {
    assertThatThrownBy(
            () ->
                ExperimentFile.submission(
                    "kind: Deployment\napiVersion: apps/v1\nspec: {}\n", "d.yaml"))
        .isInstanceOfSatisfying(
            CliException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage()).contains("d.yaml", "kind 'Deployment'");
            });
    assertThatThrownBy(() -> ExperimentFile.submission("service: a\n---\nservice: b\n", "two.yaml"))
        .hasMessageContaining("found 2 documents");
    assertThatThrownBy(() -> ExperimentFile.submission("service: [unclosed\n", "bad.yaml"))
        .hasMessageContaining("bad.yaml: not valid YAML or JSON");
    assertThatThrownBy(() -> ExperimentFile.submission("- a\n- b\n", "list.yaml"))
        .hasMessageContaining("expected an experiment");
  }
}
