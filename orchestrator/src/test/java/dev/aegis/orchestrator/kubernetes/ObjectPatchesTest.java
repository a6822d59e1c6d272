package dev.aegis.orchestrator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The patches kubectl sends, as the in-process API server applies them. */
class ObjectPatchesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEPLOYMENT =
      """
      {"metadata": {"name": "cart", "labels": {"app": "cart"}, "finalizers": ["a"]},
       "spec": {"replicas": 3, "template": {"spec": {"containers": [
         {"name": "cart", "image": "cart:1", "ports": [{"containerPort": 8080}]},
         {"name": "sidecar", "image": "sidecar:1"}]}}}}
      """;

  static Stream<Arguments> patches() {
    return Stream.of(
        Arguments.of(
            "a merge patch merges objects, replaces lists and deletes nulls",
            """
            {"metadata": {"labels": {"app": null, "tier": "web"}}, "spec": {"replicas": 4}}
            """,
            """
            {"metadata": {"name": "cart", "labels": {"tier": "web"}, "finalizers": ["a"]},
             "spec": {"replicas": 4, "template": {"spec": {"containers": [
               {"name": "cart", "image": "cart:1", "ports": [{"containerPort": 8080}]},
               {"name": "sidecar", "image": "sidecar:1"}]}}}}
            """),
        Arguments.of(
            "kubectl apply's image change merges the container by name and keeps its ports",
            """
            {"spec": {"template": {"spec": {
              "$setElementOrder/containers": [{"name": "cart"}, {"name": "sidecar"}],
              "containers": [{"image": "cart:2", "name": "cart"}]}}}}
            """,
            """
            {"metadata": {"name": "cart", "labels": {"app": "cart"}, "finalizers": ["a"]},
             "spec": {"replicas": 3, "template": {"spec": {"containers": [
               {"name": "cart", "image": "cart:2", "ports": [{"containerPort": 8080}]},
               {"name": "sidecar", "image": "sidecar:1"}]}}}}
            """),
        Arguments.of(
            "a $patch: delete entry removes that container, and a new one is added in order",
            """
            {"spec": {"template": {"spec": {
              "$setElementOrder/containers": [{"name": "proxy"}, {"name": "cart"}],
              "containers": [{"$patch": "delete", "name": "sidecar"},
                             {"name": "proxy", "image": "proxy:1"}]}}}}
            """,
            """
            {"metadata": {"name": "cart", "labels": {"app": "cart"}, "finalizers": ["a"]},
             "spec": {"replicas": 3, "template": {"spec": {"containers": [
               {"name": "proxy", "image": "proxy:1"},
               {"name": "cart", "image": "cart:1", "ports": [{"containerPort": 8080}]}]}}}}
            """),
        Arguments.of(
            "a primitive list with an order directive is merged as a set, and deletions apply",
            """
            {"metadata": {"$setElementOrder/finalizers": ["a", "b"], "finalizers": ["b"],
                          "$deleteFromPrimitiveList/finalizers": ["a"]}}
            """,
            """
            {"metadata": {"name": "cart", "labels": {"app": "cart"}, "finalizers": ["b"]},
             "spec": {"replicas": 3, "template": {"spec": {"containers": [
               {"name": "cart", "image": "cart:1", "ports": [{"containerPort": 8080}]},
               {"name": "sidecar", "image": "sidecar:1"}]}}}}
            """),
        Arguments.of(
            "$retainKeys drops the keys it does not name",
            """
            {"spec": {"$retainKeys": ["template"], "template": {"spec": {"containers": []}}}}
            """,
            """
            {"metadata": {"name": "cart", "labels": {"app": "cart"}, "finalizers": ["a"]},
             "spec": {"template": {"spec": {"containers": []}}}}
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patches")
  void patchIsApplied(String sentence, String patch, String expected) throws Exception {
    JsonNode original = JSON.readTree(DEPLOYMENT);
    JsonNode patched = ObjectPatches.apply(original, JSON.readTree(patch));
    assertThat(patched).isEqualTo(JSON.readTree(expected));
    assertThat(original)
        .as("the object patched is left as it was")
        .isEqualTo(JSON.readTree(DEPLOYMENT));
  }

  @Test
  @DisplayName("ages print as kubectl prints them")
  void agesPrintAsKubectlPrintsThem() {
    assertThat(ObjectTables.humanDuration(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(ObjectTables.humanDuration(Duration.ofSeconds(192))).isEqualTo("3m12s");
    assertThat(ObjectTables.humanDuration(Duration.ofMinutes(95))).isEqualTo("95m");
    assertThat(ObjectTables.humanDuration(Duration.ofHours(5).plusMinutes(3))).isEqualTo("5h3m");
    assertThat(ObjectTables.humanDuration(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(ObjectTables.humanDuration(Duration.ofDays(3).plusHours(2))).isEqualTo("3d2h");
    assertThat(ObjectTables.humanDuration(Duration.ofDays(40))).isEqualTo("40d");
  }

  @Test
  @DisplayName("a printer column's JSONPath reads fields and list indexes")
  void printerColumnPathsAreRead() throws Exception {
    JsonNode deployment = JSON.readTree(DEPLOYMENT);
    assertThat(ObjectTables.at(deployment, ".spec.replicas").asInt()).isEqualTo(3);
    assertThat(ObjectTables.at(deployment, ".spec.template.spec.containers[1].image").asText())
        .isEqualTo("sidecar:1");
    assertThat(ObjectTables.at(deployment, ".status.phase").isMissingNode()).isTrue();
  }
}
