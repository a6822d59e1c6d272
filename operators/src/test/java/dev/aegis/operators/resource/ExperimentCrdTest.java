package dev.aegis.operators.resource;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.aegis.operators.actuation.QuarantineShape;
import dev.aegis.operators.actuation.RouterKind;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRD in kubernetes/crd and the Java model must describe the same resource, field for field.
 */
class ExperimentCrdTest {

  static final Path CRD = Path.of("..", "kubernetes", "crd", "experiments.aegis.dev.yaml");
  static final Path EXAMPLE = Path.of("..", "kubernetes", "examples", "experiment.yaml");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static CustomResourceDefinition crd() throws IOException {
    try (InputStream in = Files.newInputStream(CRD)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  private static CustomResourceDefinitionVersion version() throws IOException {
    return crd().getSpec().getVersions().get(0);
  }

  private static JSONSchemaProps schema(String property) throws IOException {
    return version().getSchema().getOpenAPIV3Schema().getProperties().get(property);
  }

  @Test
  void crdNamesTheResourceTheJavaModelDeclares() throws IOException {
    CustomResourceDefinition crd = crd();
    ExperimentResource model = new ExperimentResource();

    assertThat(crd.getMetadata().getName())
        .isEqualTo("experiments.aegis.dev")
        .isEqualTo(model.getCRDName());
    assertThat(crd.getSpec().getGroup()).isEqualTo(ExperimentResource.GROUP);
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced").isEqualTo(model.getScope());
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo(model.getKind());
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo(model.getPlural());
    assertThat(crd.getSpec().getNames().getSingular()).isEqualTo(model.getSingular());
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("aexp");
    assertThat(crd.getSpec().getVersions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getName()).isEqualTo(ExperimentResource.VERSION);
              assertThat(v.getServed()).isTrue();
              assertThat(v.getStorage()).isTrue();
              assertThat(v.getSubresources().getStatus()).isNotNull();
            });
  }

  @Test
  void printerColumnsShowServiceCandidatePhaseStepWeightAndAge() throws IOException {
    assertThat(version().getAdditionalPrinterColumns())
        .filteredOn(c -> c.getPriority() == null || c.getPriority() == 0)
        .extracting(
            CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
        .extracting(t -> t.toList().toString())
        .containsExactly(
            "[Service, .spec.service]",
            "[Candidate, .spec.candidate.version]",
            "[Phase, .status.phase]",
            "[Step, .status.step]",
            "[Weight, .status.weight]",
            "[Age, .metadata.creationTimestamp]");
  }

  @Test
  void specSchemaHasExactlyTheModelsPropertiesAndTypes() throws IOException {
    assertThat(schemaPaths(schema("spec"), "spec"))
        .isEqualTo(modelPaths(ExperimentSpec.class, "spec"));
    assertThat(schema("spec").getRequired()).containsExactlyInAnyOrder("service", "candidate");
  }

  @Test
  void statusSchemaHasExactlyTheModelsPropertiesAndTypes() throws IOException {
    // The API server prunes status fields the schema does not declare, so a missing one would be
    // lost.
    assertThat(schemaPaths(schema("status"), "status"))
        .isEqualTo(modelPaths(ExperimentStatus.class, "status"));
  }

  @Test
  void routerAndQuarantineValuesAreExactlyTheOnesActuationUnderstands() throws IOException {
    JSONSchemaProps spec = schema("spec");
    List<String> routers = enumValues(spec.getProperties().get("router"));
    List<String> shapes =
        enumValues(spec.getProperties().get("policy").getProperties().get("quarantine"));

    assertThat(routers.stream().map(RouterKind::parse))
        .containsExactlyInAnyOrder(RouterKind.values());
    assertThat(shapes.stream().map(QuarantineShape::parse))
        .containsExactlyInAnyOrder(QuarantineShape.values());
  }

  @Test
  void weightAndErrorRateBoundsAreEnforcedBySchema() throws IOException {
    JSONSchemaProps policy = schema("spec").getProperties().get("policy");
    JSONSchemaProps weight =
        policy.getProperties().get("steps").getItems().getSchema().getProperties().get("weight");
    JSONSchemaProps errorRate =
        policy.getProperties().get("slo").getProperties().get("maxErrorRate");

    assertThat(List.of(weight.getMinimum(), weight.getMaximum())).containsExactly(1.0, 100.0);
    assertThat(List.of(errorRate.getMinimum(), errorRate.getMaximum())).containsExactly(0.0, 1.0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"PT24H", "P7D", "PT5S", "PT15M", "P1DT12H", "PT1H30M", "PT0.5S", "P2DT3H4M5S"})
  void durationPatternAcceptsIsoDurations(String duration) throws IOException {
    assertThat(durationPatterns()).allSatisfy(p -> assertThat(p.matcher(duration).find()).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"P", "PT", "P1DT", "24h", "PT-5S", "PT5", "1D", "P1H"})
  void durationPatternRejectsWhatJavaTimeDurationCannotParse(String duration) throws IOException {
    assertThat(durationPatterns())
        .allSatisfy(p -> assertThat(p.matcher(duration).find()).isFalse());
  }

  @Test
  void patternsAvoidLookaroundWhichTheApiServersRe2EngineRejects() throws IOException {
    assertThat(Files.readString(CRD)).doesNotContain("(?");
  }

  @Test
  void exampleManifestUsesOnlyFieldsOfTheModel() throws IOException {
    ObjectMapper strict =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    ExperimentResource example = strict.readValue(EXAMPLE.toFile(), ExperimentResource.class);

    assertThat(example.getSpec().service()).isEqualTo("checkout");
    assertThat(example.getSpec().policy().steps())
        .extracting(ExperimentSpec.Step::weight)
        .containsExactly(10, 50, 100);
    assertThat(enumValues(schema("spec").getProperties().get("router")))
        .contains(example.getSpec().router());
  }

  private static List<Pattern> durationPatterns() throws IOException {
    JSONSchemaProps policy = schema("spec").getProperties().get("policy");
    return List.of(
            policy.getProperties().get("maxSilence").getPattern(),
            policy.getProperties().get("analysis").getProperties().get("maxExtension").getPattern(),
            policy
                .getProperties()
                .get("steps")
                .getItems()
                .getSchema()
                .getProperties()
                .get("minDuration")
                .getPattern())
        .stream()
        .map(Pattern::compile)
        .toList();
  }

  private static List<String> enumValues(JSONSchemaProps property) {
    return property.getEnum().stream().map(node -> node.asText()).toList();
  }

  /**
   * {@code path:type} for every property below {@code props}, array items written as {@code []}.
   */
  private static Set<String> schemaPaths(JSONSchemaProps props, String prefix) {
    Set<String> paths = new TreeSet<>();
    for (Map.Entry<String, JSONSchemaProps> e : props.getProperties().entrySet()) {
      String path = prefix + "." + e.getKey();
      JSONSchemaProps property = e.getValue();
      paths.add(path + ":" + property.getType());
      if ("array".equals(property.getType())) {
        property = property.getItems().getSchema();
        path = path + "[]";
      }
      if (property.getProperties() != null && !property.getProperties().isEmpty()) {
        paths.addAll(schemaPaths(property, path));
      }
    }
    return paths;
  }

  /** The same, for the Java model as Jackson serializes it. */
  private static Set<String> modelPaths(Class<?> type, String prefix) {
    Set<String> paths = new TreeSet<>();
    BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type));
    for (BeanPropertyDefinition property : bean.findProperties()) {
      String path = prefix + "." + property.getName();
      JavaType javaType = property.getPrimaryType();
      paths.add(path + ":" + openApiType(javaType));
      if (javaType.isCollectionLikeType()) {
        javaType = javaType.getContentType();
        path = path + "[]";
      }
      if (javaType.getRawClass().isRecord()) {
        paths.addAll(modelPaths(javaType.getRawClass(), path));
      }
    }
    return paths;
  }

  private static String openApiType(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (type.isCollectionLikeType()) {
      return "array";
    }
    if (raw.isRecord()) {
      return "object";
    }
    if (Arrays.asList(Integer.class, Long.class).contains(raw)) {
      return "integer";
    }
    if (raw == Double.class) {
      return "number";
    }
    if (raw == Boolean.class) {
      return "boolean";
    }
    return raw == String.class ? "string" : raw.getName();
  }
}
