package dev.aegis.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Helm chart (kubernetes/helm/aegis), linted and rendered by Helm itself (helm-java: Helm's Go
 * code as a native library), then read as YAML: what a cluster would be given.
 */
class HelmChartIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path CHART = ROOT.resolve("kubernetes/helm/aegis");
  private static final Path CRD = ROOT.resolve("kubernetes/crd/experiments.aegis.dev.yaml");
  private static final Path RBAC = ROOT.resolve("kubernetes/rbac.yaml");
  private static final String NAMESPACE = "aegis-system";
  private static final YAMLMapper YAML = new YAMLMapper();

  /** A flag that chooses the JVM's garbage collector (as the chart's check reads it). */
  private static final Pattern NAMES_A_COLLECTOR = Pattern.compile("-XX:[+-]Use\\w+GC(\\s|$)");

  @Test
  void theChartPassesHelmLintInStrictMode() {
    LintResult lint = new Helm(CHART).lint().strict().call();

    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void theChartsCrdIsTheRepositorysCrdByteForByte() throws IOException {
    Path copy = CHART.resolve("crds/experiments.aegis.dev.yaml");

    assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(CRD));
    String shown = new Helm(CHART).show().crds().call();
    assertThat(documents(shown)).containsExactlyElementsOf(documents(Files.readString(CRD)));
  }

  @Test
  void theImageIsTheOneJibBuildsTaggedWithTheMavenVersion() throws Exception {
    Document orchestrator = pom(ROOT.resolve("orchestrator/pom.xml"));
    Document parent = pom(ROOT.resolve("pom.xml"));
    String repository = text(orchestrator, "aegis.image");
    String version = text(parent, "version");
    String jibTarget = text(orchestrator, "to").trim();

    assertThat(jibTarget).isEqualTo("${aegis.image}:${project.version}");
    assertThat(YAML.readTree(CHART.resolve("Chart.yaml").toFile()).path("appVersion").asText())
        .isEqualTo(version);
    assertThat(container(render(t -> t)).path("image").asText())
        .isEqualTo(repository + ":" + version);
  }

  @Test
  void theImageNamesItsCollectorWhereAPodCanReplaceIt() throws Exception {
    Document orchestrator = pom(ROOT.resolve("orchestrator/pom.xml"));
    NodeList flags = orchestrator.getElementsByTagName("jvmFlag");
    List<String> commandLine = new ArrayList<>();
    for (int i = 0; i < flags.getLength(); i++) {
      commandLine.add(flags.item(i).getTextContent().trim());
    }

    assertThat(commandLine).isNotEmpty().noneMatch(f -> NAMES_A_COLLECTOR.matcher(f).find());
    assertThat(text(orchestrator, "JDK_JAVA_OPTIONS")).isEqualTo("-XX:+UseParallelGC");
    assertThat(env(container(render(t -> t)))).doesNotContainKey("JDK_JAVA_OPTIONS");
    assertThat(
            env(container(
                    render(
                        t ->
                            t.set("extraEnv[0].name", "JDK_JAVA_OPTIONS")
                                .set("extraEnv[0].value", "-XX:+UseG1GC"))))
                .get("JDK_JAVA_OPTIONS")
                .path("value")
                .asText())
        .isEqualTo("-XX:+UseG1GC");
  }

  @Test
  void aCollectorInJavaToolOptionsIsRefusedSinceTheJvmWouldNotStart() {
    for (String options :
        List.of("-XX:+UseG1GC", "-Xss1m -XX:+UseZGC -Xmn512m", "-XX:-UseParallelGC")) {
      assertThatThrownBy(() -> render(t -> t.set("javaToolOptions", options)))
          .as(options)
          .hasMessageContaining("set JDK_JAVA_OPTIONS in extraEnv");
    }
    String tuning = "-XX:+UseGCOverheadLimit -XX:+UseStringDeduplication -Xmn512m";

    assertThat(
            env(container(render(t -> t.set("javaToolOptions", tuning))))
                .get("JAVA_TOOL_OPTIONS")
                .path("value")
                .asText())
        .isEqualTo(tuning);
  }

  @Nested
  class WithDefaultValues {

    private final List<JsonNode> manifests = render(t -> t);

    @Test
    void theContainerRunsAsNonRootOnAReadOnlyRootWithNoCapabilities() {
      JsonNode pod = deployment(manifests).at("/spec/template/spec");
      JsonNode container = container(manifests);

      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
      assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(65532);
      assertThat(pod.at("/securityContext/seccompProfile/type").asText())
          .isEqualTo("RuntimeDefault");
      JsonNode security = container.path("securityContext");
      assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
      assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").isBoolean()).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
      assertThat(texts(security.at("/capabilities/drop"))).containsExactly("ALL");
      assertThat(security.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    }

    @Test
    void tmpIsTheOnlyWritableDirectoryAnEmptyDir() {
      JsonNode pod = deployment(manifests).at("/spec/template/spec");
      JsonNode tmp = byName(pod.path("volumes"), "tmp");

      assertThat(tmp.has("emptyDir")).isTrue();
      assertThat(
              byName(container(manifests).path("volumeMounts"), "tmp").path("mountPath").asText())
          .isEqualTo("/tmp");
      assertThat(container(manifests).path("volumeMounts"))
          .filteredOn(m -> !m.path("readOnly").asBoolean())
          .extracting(m -> m.path("name").asText())
          .containsExactly("tmp");
    }

    @Test
    void probesUseTheActuatorsLivenessAndReadinessGroups() {
      JsonNode container = container(manifests);

      assertThat(container.at("/livenessProbe/httpGet/path").asText())
          .isEqualTo("/actuator/health/liveness");
      assertThat(container.at("/readinessProbe/httpGet/path").asText())
          .isEqualTo("/actuator/health/readiness");
      assertThat(container.at("/startupProbe/httpGet/path").asText())
          .isEqualTo("/actuator/health/liveness");
      assertThat(container.at("/startupProbe/failureThreshold").asInt()).isGreaterThan(1);
      assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
      assertThat(container.at("/resources/requests/memory").asText())
          .as("memory requested at its limit: the heap grows to 75% of the limit and stays")
          .isEqualTo(container.at("/resources/limits/memory").asText());
    }

    @Test
    void theProductionStartSwitchesOffEveryEmbeddedPart() {
      Map<String, JsonNode> env = env(container(manifests));

      assertThat(env.get("SPRING_PROFILES_ACTIVE").path("value").asText()).isEqualTo("production");
      assertThat(env.get("AEGIS_KUBERNETES_MODE").path("value").asText()).isEqualTo("external");
      assertThat(env.get("AEGIS_SIMULATOR_ENABLED").path("value").asText()).isEqualTo("false");
      assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS").path("value").asText()).isNotBlank();
      assertThat(env.get("DATABASE_URL").path("value").asText()).startsWith("jdbc:postgresql://");
      assertThat(env.get("DATABASE_PASSWORD").has("valueFrom")).isTrue();
      assertThat(env.get("AEGIS_API_TOKEN").at("/valueFrom/secretKeyRef/name").asText())
          .isNotBlank();
      JsonNode config = applicationConfig(manifests);
      assertThat(config.at("/aegis/kafka/trust/sources").size()).isPositive();
      assertThat(config.at("/spring/kafka/security/protocol").asText()).isEqualTo("SASL_SSL");
    }

    @Test
    void theClusterRoleGrantsExactlyTheRulesOfKubernetesRbacYaml() throws IOException {
      JsonNode role = one(manifests, "ClusterRole");
      JsonNode repository =
          documents(Files.readString(RBAC)).stream()
              .filter(d -> d.path("kind").asText().equals("ClusterRole"))
              .findFirst()
              .orElseThrow();

      assertThat(permissions(role.path("rules")))
          .isEqualTo(permissions(repository.path("rules")))
          .isNotEmpty();
      JsonNode binding = one(manifests, "ClusterRoleBinding");
      assertThat(binding.at("/subjects/0/name").asText())
          .isEqualTo(deployment(manifests).at("/spec/template/spec/serviceAccountName").asText());
      assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
    }

    @Test
    void servicePdbAndNetworkPolicySelectThePods() {
      JsonNode podLabels = deployment(manifests).at("/spec/template/metadata/labels");

      assertThat(labelsMatch(one(manifests, "Service").at("/spec/selector"), podLabels)).isTrue();
      assertThat(
              labelsMatch(
                  one(manifests, "PodDisruptionBudget").at("/spec/selector/matchLabels"),
                  podLabels))
          .isTrue();
      assertThat(
              labelsMatch(
                  one(manifests, "NetworkPolicy").at("/spec/podSelector/matchLabels"), podLabels))
          .isTrue();
    }

    @Test
    void anUpgradeNeverRunsTwoOrchestratorsSideBySide() {
      assertThat(deployment(manifests).at("/spec/strategy/type").asText()).isEqualTo("Recreate");
      assertThat(deployment(manifests).at("/spec/replicas").asInt()).isEqualTo(1);
    }

    @Test
    void monitoringObjectsAreOffUnlessAskedFor() {
      assertThat(manifests)
          .extracting(m -> m.path("kind").asText())
          .doesNotContain("ServiceMonitor", "PrometheusRule")
          .contains("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget");
    }
  }

  @Nested
  class NamespacedWithExternalKafkaAndPostgres {

    private final List<JsonNode> manifests =
        render(t -> t.withValuesFile(resource("values-namespaced-external.yaml")));

    @Test
    void noClusterScopedRbacIsRendered() {
      assertThat(manifests)
          .extracting(m -> m.path("kind").asText())
          .doesNotContain("ClusterRole", "ClusterRoleBinding");
    }

    @Test
    void eachWatchedNamespaceGetsTheRepositoryRulesLessTheClusterScopedCrdRead()
        throws IOException {
      JsonNode repository =
          documents(Files.readString(RBAC)).stream()
              .filter(d -> d.path("kind").asText().equals("ClusterRole"))
              .findFirst()
              .orElseThrow();
      Set<String> expected = permissions(repository.path("rules"));
      expected.removeIf(p -> p.startsWith("apiextensions.k8s.io/"));

      for (String namespace : List.of("shop", "payments")) {
        JsonNode role = named(manifests, "Role", "aegis", namespace);
        assertThat(permissions(role.path("rules"))).as(namespace).isEqualTo(expected);
        JsonNode binding = named(manifests, "RoleBinding", "aegis", namespace);
        assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
      }
      JsonNode readiness = named(manifests, "Role", "aegis-readiness", NAMESPACE);
      assertThat(permissions(readiness.path("rules")))
          .containsExactly("apps/deployments[aegis-readiness-probe]:get");
    }

    @Test
    void theReconcilerWatchesOneManagedNamespaceAndChaosMeshIsNotProbed() {
      JsonNode config = applicationConfig(manifests);

      assertThat(config.at("/aegis/kubernetes/namespace").asText()).isEqualTo("shop");
      assertThat(config.at("/aegis/chaos/chaos-mesh").asText()).isEqualTo("never");
    }

    @Test
    void kafkaSaslAndTlsComeFromSecretsWithNoPasswordInTheConfig() {
      JsonNode config = applicationConfig(manifests);
      Map<String, JsonNode> env = env(container(manifests));

      assertThat(config.at("/spring/kafka/properties").path("sasl.mechanism").asText())
          .isEqualTo("SCRAM-SHA-512");
      assertThat(config.at("/spring/kafka/properties").path("sasl.jaas.config").asText())
          .contains("ScramLoginModule required", "username=\"aegis-prod\"")
          .contains("password=\"${KAFKA_SASL_PASSWORD}\"");
      assertThat(env.get("KAFKA_SASL_PASSWORD").at("/valueFrom/secretKeyRef").toString())
          .contains("kafka-credentials", "scram-password");
      assertThat(config.at("/spring/kafka/ssl/trust-store-location").asText())
          .isEqualTo("file:/run/secrets/kafka-truststore/ca.crt");
      JsonNode pod = deployment(manifests).at("/spec/template/spec");
      assertThat(byName(pod.path("volumes"), "kafka-truststore").at("/secret/secretName").asText())
          .isEqualTo("kafka-ca");
      assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS").path("value").asText())
          .isEqualTo("kafka-0.example.net:9093,kafka-1.example.net:9093");
      assertThat(config.at("/aegis/kafka/trust/principals").path("[/monitors/prod-*]").asText())
          .isEqualTo("User:monitor");
    }

    @Test
    void postgresCredentialsComeFromTheirSecret() {
      Map<String, JsonNode> env = env(container(manifests));

      assertThat(env.get("DATABASE_URL").path("value").asText())
          .isEqualTo("jdbc:postgresql://pg.example.net:5432/aegis?sslmode=verify-full");
      assertThat(env.get("DATABASE_PASSWORD").at("/valueFrom/secretKeyRef/name").asText())
          .isEqualTo("pg-credentials");
      assertThat(env.get("DATABASE_MIGRATION_USERNAME").path("value").asText())
          .isEqualTo("aegis_owner");
      assertThat(env.get("DATABASE_MIGRATION_PASSWORD").at("/valueFrom/secretKeyRef/key").asText())
          .isEqualTo("migration-password");
    }

    @Test
    void egressGoesOnlyToKafkaPostgresTheApiServerAndDns() {
      JsonNode policy = one(manifests, "NetworkPolicy");

      assertThat(texts(policy.at("/spec/policyTypes"))).containsExactly("Ingress", "Egress");
      List<String> egress = new ArrayList<>();
      for (JsonNode rule : policy.at("/spec/egress")) {
        egress.add(peers(rule.path("to")) + " " + ports(rule.path("ports")));
      }
      assertThat(egress)
          .containsExactly(
              "[192.0.2.0/28] [TCP/9093]",
              "[198.51.100.7/32] [TCP/5432]",
              "[203.0.113.1/32] [TCP/6443]",
              "[ns{kubernetes.io/metadata.name=kube-system} pods{k8s-app=kube-dns}]"
                  + " [TCP/53, UDP/53]");
      List<String> ingress = new ArrayList<>();
      for (JsonNode rule : policy.at("/spec/ingress")) {
        ingress.add(peers(rule.path("from")) + " " + ports(rule.path("ports")));
      }
      assertThat(ingress)
          .containsExactly(
              "[pods{}, ns{kubernetes.io/metadata.name=monitoring},"
                  + " ns{kubernetes.io/metadata.name=ci}] [TCP/8080]");
    }

    @Test
    void theServiceMonitorScrapesThePrometheusEndpointWithAToken() {
      JsonNode endpoint = one(manifests, "ServiceMonitor").at("/spec/endpoints/0");

      assertThat(endpoint.path("path").asText()).isEqualTo("/actuator/prometheus");
      assertThat(endpoint.path("port").asText()).isEqualTo("http");
      assertThat(endpoint.at("/authorization/credentials/name").asText()).isNotBlank();
    }

    @Test
    void alertsCoverDeadLettersActuationConsumerLagAndStuckExperiments() {
      JsonNode rule = one(manifests, "PrometheusRule");
      List<String> alerts = new ArrayList<>();
      rule.at("/spec/groups")
          .forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").asText())));

      assertThat(alerts)
          .contains(
              "AegisDeadLettersGrowing",
              "AegisActuationAlarm",
              "AegisConsumerLag",
              "AegisCommitRepliesLost",
              "AegisHealthWindowsStopped",
              "AegisActuationStuck",
              "AegisExperimentsStuck");
    }

    @Test
    void theActuationAlarmAlertFiresOnAServicesFirstAlarm() {
      JsonNode alert = alert(one(manifests, "PrometheusRule"), "AegisActuationAlarm");

      // A service's alarm counter is created at its first alarm and first scraped at 1, a rise
      // increase() cannot see: the rule must also take series that did not exist a window ago.
      String expr = alert.path("expr").asText().replaceAll("\\s+", " ");
      assertThat(expr)
          .startsWith("sum by (exported_service) (increase(aegis_actuation_alarms_total{")
          .contains(
              "[15m])) > 0 or sum by (exported_service) (aegis_actuation_alarms_total{",
              "} unless aegis_actuation_alarms_total{",
              "} offset 15m) > 0")
          .doesNotContain("{{");
    }

    @Test
    void theStuckExperimentsAlertTakesTheMaxOverReplicasByReason() {
      JsonNode alert = alert(one(manifests, "PrometheusRule"), "AegisExperimentsStuck");

      // Every replica reports the same global count: max, never sum, or two replicas double it.
      assertThat(alert.path("expr").asText())
          .startsWith("max by (reason) (aegis_experiments_stuck{")
          .contains("namespace=\"aegis-system\"", "reason!~\"\"}")
          .endsWith(") > 0");
      assertThat(alert.path("for").asText()).isEqualTo("15m");
      assertThat(alert.at("/annotations/description").asText())
          .contains("docs/production.md")
          .doesNotContain("{{ $r");
    }

    @Test
    void everyAegisMetricInTheAlertsAndTheDashboardIsOneTheCodeRegisters() throws IOException {
      JsonNode dashboard =
          new ObjectMapper()
              .readTree(
                  one(manifests, "ConfigMap", "aegis-dashboard").at("/data/aegis.json").asText());
      assertThat(dashboard.path("panels").size()).isPositive();
      String queries =
          one(manifests, "PrometheusRule").toString() + " " + dashboard.path("panels").toString();
      Set<String> used = new TreeSet<>();
      Matcher m = Pattern.compile("\\baegis_[a-z0-9_]+").matcher(queries);
      while (m.find()) {
        used.add(m.group());
      }
      Set<String> registered = meterNames();

      assertThat(used).isNotEmpty();
      assertThat(used)
          .allSatisfy(
              name ->
                  assertThat(registered)
                      .as("meter behind %s", name)
                      .contains(name.replaceFirst("_total$", "")));
    }
  }

  @Test
  void theStuckExperimentsAlertLeavesOutTheReasonsItIsToldToIgnore() {
    JsonNode rule =
        one(
            render(
                t ->
                    t.set("prometheusRule.enabled", true)
                        .set("prometheusRule.experimentsStuck.for", "30m")
                        .set("prometheusRule.experimentsStuck.ignoreReasons[0]", "paused")
                        .set("prometheusRule.experimentsStuck.ignoreReasons[1]", "silent")),
            "PrometheusRule");
    JsonNode alert = alert(rule, "AegisExperimentsStuck");

    assertThat(alert.path("expr").asText()).contains("reason!~\"paused|silent\"}");
    assertThat(alert.path("for").asText()).isEqualTo("30m");
  }

  @Test
  void namespacedModeWithoutNamespacesIsRefused() {
    assertThatThrownBy(() -> render(t -> t.set("rbac.namespaced", true)))
        .hasMessageContaining("rbac.namespaces");
  }

  @Test
  void namespacedModeRefusesChaosMeshAlwaysWhichNeedsAClusterRead() {
    assertThatThrownBy(
            () ->
                render(
                    t ->
                        t.set("rbac.namespaced", true)
                            .set("rbac.namespaces[0]", "shop")
                            .set("chaos.chaosMesh", "always")))
        .hasMessageContaining("chaos.chaosMesh=always");
  }

  @Test
  void theExperimentNamespaceMustBeAManagedOne() {
    assertThatThrownBy(
            () ->
                render(
                    t ->
                        t.set("rbac.namespaced", true)
                            .set("rbac.namespaces[0]", "shop")
                            .set("kubernetes.experimentResources.namespace", "other")))
        .hasMessageContaining("\"other\" is not one of rbac.namespaces");
  }

  @Test
  void withoutChaosTheRoleDropsTheChaosPermissions() {
    JsonNode role = one(render(t -> t.set("chaos.enabled", false)), "ClusterRole");

    assertThat(permissions(role.path("rules")))
        .noneMatch(p -> p.startsWith("/pods") || p.startsWith("batch/"))
        .noneMatch(p -> p.startsWith("chaos-mesh.org/") || p.endsWith(":delete"))
        .contains("apps/deployments:update");
  }

  // --- rendering and reading -----------------------------------------------------------------

  private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) {
    TemplateCommand template =
        new Helm(CHART)
            .template()
            .withName("aegis")
            .withNamespace(NAMESPACE)
            .withKubeVersion("1.30.0");
    return documents(values.apply(template).call());
  }

  private static List<JsonNode> documents(String yaml) {
    try {
      return YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll().stream()
          .filter(d -> d != null && !d.isNull() && !d.isMissingNode() && d.size() > 0)
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("not YAML: " + yaml, e);
    }
  }

  private static Path resource(String name) {
    return ROOT.resolve("deploy/src/test/resources").resolve(name);
  }

  private static JsonNode one(List<JsonNode> manifests, String kind) {
    List<JsonNode> found =
        manifests.stream().filter(m -> m.path("kind").asText().equals(kind)).toList();
    assertThat(found).as("rendered %s", kind).hasSize(1);
    return found.get(0);
  }

  private static JsonNode one(List<JsonNode> manifests, String kind, String name) {
    return named(manifests, kind, name, NAMESPACE);
  }

  private static JsonNode named(
      List<JsonNode> manifests, String kind, String name, String namespace) {
    return manifests.stream()
        .filter(m -> m.path("kind").asText().equals(kind))
        .filter(m -> m.at("/metadata/name").asText().equals(name))
        .filter(m -> m.at("/metadata/namespace").asText().equals(namespace))
        .findFirst()
        .orElseThrow(() -> new AssertionError(kind + " " + namespace + "/" + name + " rendered"));
  }

  private static JsonNode alert(JsonNode prometheusRule, String name) {
    List<JsonNode> found = new ArrayList<>();
    prometheusRule
        .at("/spec/groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> {
                          if (name.equals(r.path("alert").asText())) {
                            found.add(r);
                          }
                        }));
    assertThat(found).as("alert %s", name).hasSize(1);
    return found.get(0);
  }

  private static JsonNode deployment(List<JsonNode> manifests) {
    return one(manifests, "Deployment");
  }

  private static JsonNode container(List<JsonNode> manifests) {
    JsonNode containers = deployment(manifests).at("/spec/template/spec/containers");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  private static JsonNode applicationConfig(List<JsonNode> manifests) {
    try {
      return YAML.readTree(
          one(manifests, "ConfigMap", "aegis").at("/data/application.yaml").asText());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new LinkedHashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    return env;
  }

  private static JsonNode byName(JsonNode array, String name) {
    for (JsonNode item : array) {
      if (item.path("name").asText().equals(name)) {
        return item;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  /** Each rule as {@code group/resource[names]:verb}, one entry per combination. */
  private static Set<String> permissions(JsonNode rules) {
    Set<String> permissions = new HashSet<>();
    for (JsonNode rule : rules) {
      String names = rule.has("resourceNames") ? texts(rule.path("resourceNames")).toString() : "";
      for (String group : texts(rule.path("apiGroups"))) {
        for (String resource : texts(rule.path("resources"))) {
          for (String verb : texts(rule.path("verbs"))) {
            permissions.add(group + "/" + resource + names + ":" + verb);
          }
        }
      }
    }
    return permissions;
  }

  private static boolean labelsMatch(JsonNode selector, JsonNode labels) {
    assertThat(selector.size()).isPositive();
    List<String> keys = new ArrayList<>();
    selector.fieldNames().forEachRemaining(keys::add);
    return keys.stream()
        .allMatch(key -> selector.path(key).asText().equals(labels.path(key).asText()));
  }

  private static String peers(JsonNode peers) {
    List<String> out = new ArrayList<>();
    for (JsonNode peer : peers) {
      if (peer.has("ipBlock")) {
        out.add(peer.at("/ipBlock/cidr").asText());
        continue;
      }
      List<String> parts = new ArrayList<>();
      if (peer.has("namespaceSelector")) {
        parts.add("ns" + matchLabels(peer.path("namespaceSelector")));
      }
      if (peer.has("podSelector")) {
        parts.add("pods" + matchLabels(peer.path("podSelector")));
      }
      out.add(String.join(" ", parts));
    }
    return out.toString();
  }

  private static String matchLabels(JsonNode selector) {
    JsonNode labels = selector.path("matchLabels");
    List<String> pairs = new ArrayList<>();
    labels.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
    return "{" + String.join(",", pairs) + "}";
  }

  private static String ports(JsonNode ports) {
    List<String> out = new ArrayList<>();
    ports.forEach(p -> out.add(p.path("protocol").asText() + "/" + p.path("port").asText()));
    return out.toString();
  }

  /**
   * The meter names the code registers, as Prometheus spells them without a {@code _total}: every
   * {@code "aegis.…"} string literal in the services' sources, dots turned into underscores.
   */
  private static Set<String> meterNames() throws IOException {
    Pattern literal = Pattern.compile("\"(aegis\\.[a-z0-9_.]+)\"");
    Set<String> names = new HashSet<>();
    for (String module : List.of("orchestrator", "operators", "chaos")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = literal.matcher(Files.readString(file));
          while (m.find()) {
            names.add(m.group(1).replace('.', '_'));
          }
        }
      }
    }
    return names;
  }

  private static Document pom(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  /** The text of the first element named {@code tag} directly under the project or in its build. */
  private static String text(Document pom, String tag) {
    NodeList nodes = pom.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      Node node = nodes.item(i);
      String parent = node.getParentNode().getNodeName();
      if (tag.equals("version") && !parent.equals("project")) {
        continue;
      }
      if (tag.equals("to") && node.getTextContent().isBlank()) {
        continue;
      }
      return tag.equals("to")
          ? ((Element) node).getElementsByTagName("image").item(0).getTextContent()
          : node.getTextContent();
    }
    throw new AssertionError("no <" + tag + "> in the pom");
  }
}
