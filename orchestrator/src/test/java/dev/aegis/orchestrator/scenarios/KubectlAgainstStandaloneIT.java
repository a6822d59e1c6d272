package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.orchestrator.kubernetes.AegisKubernetes;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The real {@code kubectl} against the standalone's in-process Kubernetes API, through the
 * kubeconfig Aegis writes at start: get, describe, apply (create and update), scale and delete of
 * Deployments, and of an {@code Experiment} that Aegis picks up. Skipped where no kubectl binary is
 * installed.
 */
@AegisComponentTest(
    properties = {
      "aegis.simulator.enabled=true",
      "aegis.simulator.step-duration=PT3S",
      "aegis.simulator.tick=500ms"
    })
class KubectlAgainstStandaloneIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path EXAMPLE_EXPERIMENT = Path.of("../kubernetes/examples/experiment.yaml");

  private static Path kubectl;

  @Autowired AegisKubernetes cluster;
  @TempDir Path home;

  @BeforeAll
  static void kubectlIsInstalled() {
    Optional<Path> found =
        Stream.concat(
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":")),
                Stream.of("/usr/bin", "/usr/local/bin"))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "kubectl"))
            .filter(Files::isExecutable)
            .findFirst();
    Assumptions.assumeTrue(found.isPresent(), "no kubectl binary on PATH");
    kubectl = found.get();
  }

  @Test
  @DisplayName("kubectl get and describe the demo's Deployments through the kubeconfig Aegis wrote")
  void getAndDescribeTheDemoDeployments() {
    Path kubeconfig = cluster.kubeconfig().orElseThrow();
    assertThat(kubeconfig).exists();
    System.out.println("KubectlAgainstStandaloneIT: " + run("version").out());

    Result deployments = run("get", "deployments", "-n", "demo");
    assertThat(deployments.out())
        .contains("READY", "UP-TO-DATE", "AVAILABLE")
        .containsPattern("(?m)^checkout\\s")
        .containsPattern("(?m)^payments\\s");

    Result described = run("describe", "deployment", "checkout", "-n", "demo");
    assertThat(described.out())
        .containsPattern("Name:\\s+checkout")
        .containsPattern("Namespace:\\s+demo")
        .contains("registry.local/demo/checkout:");

    assertThat(run("get", "crd").out()).contains("experiments.aegis.dev");
    assertThat(runFailing("get", "deployment", "nothing-here", "-n", "demo").err())
        .contains("NotFound", "deployments.apps \"nothing-here\" not found");
  }

  @Test
  @DisplayName("kubectl apply creates and then updates a Deployment, scales it and deletes it")
  void applyUpdateScaleAndDeleteADeployment() throws IOException {
    Path manifest = home.resolve("cart.yaml");
    Files.writeString(manifest, cart("1.0.0", 3));
    assertThat(run("apply", "-f", manifest.toString()).out())
        .contains("deployment.apps/cart created");
    assertThat(run("get", "deployment", "cart", "-n", "demo").out()).containsPattern("cart\\s+0/3");

    Files.writeString(manifest, cart("1.0.1", 4));
    assertThat(run("apply", "-f", manifest.toString()).out())
        .contains("deployment.apps/cart configured");
    assertThat(
            run(
                    "get",
                    "deployment",
                    "cart",
                    "-n",
                    "demo",
                    "-o",
                    "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].image}"
                        + " {.spec.template.spec.containers[0].ports[0].containerPort}")
                .out())
        .isEqualTo("4 registry.local/demo/cart:1.0.1 registry.local/demo/sidecar:1.0.0 8080");

    assertThat(run("scale", "deployment", "cart", "-n", "demo", "--replicas=2").out())
        .contains("deployment.apps/cart scaled");
    assertThat(
            run("get", "deployment", "cart", "-n", "demo", "-o", "jsonpath={.spec.replicas}").out())
        .isEqualTo("2");

    assertThat(run("delete", "-f", manifest.toString()).out())
        .contains("deployment.apps \"cart\" deleted");
    assertThat(runFailing("get", "deployment", "cart", "-n", "demo").err()).contains("NotFound");
  }

  @Test
  @DisplayName(
      "kubectl create namespace, configmap, deployment and service (sent in protobuf) create them;"
          + " create secret is refused with what to run instead")
  void imperativeCreates() {
    assertThat(run("create", "namespace", "team-a").out()).contains("namespace/team-a created");
    assertThat(
            run("create", "configmap", "settings", "-n", "team-a", "--from-literal=mode=fast")
                .out())
        .contains("configmap/settings created");
    assertThat(run("get", "namespace", "team-a", "-o", "jsonpath={.metadata.name}").out())
        .isEqualTo("team-a");
    assertThat(
            run("get", "configmap", "settings", "-n", "team-a", "-o", "jsonpath={.data.mode}")
                .out())
        .isEqualTo("fast");
    assertThat(
            run(
                    "create",
                    "deployment",
                    "web",
                    "-n",
                    "team-a",
                    "--image=registry.local/web:1",
                    "--replicas=2",
                    "--port=8080")
                .out())
        .contains("deployment.apps/web created");
    assertThat(
            run(
                    "get",
                    "deployment",
                    "web",
                    "-n",
                    "team-a",
                    "-o",
                    "jsonpath={.spec.replicas} {.spec.selector.matchLabels.app}"
                        + " {.spec.template.spec.containers[0].image}"
                        + " {.spec.template.spec.containers[0].ports[0].containerPort}")
                .out())
        .isEqualTo("2 web registry.local/web:1 8080");

    assertThat(run("create", "service", "clusterip", "web", "-n", "team-a", "--tcp=80:8080").out())
        .contains("service/web created");
    assertThat(
            run(
                    "get",
                    "service",
                    "web",
                    "-n",
                    "team-a",
                    "-o",
                    "jsonpath={.spec.type} {.spec.selector.app} {.spec.ports[0].port}"
                        + " {.spec.ports[0].targetPort} [{.spec.ports[0].nodePort}]")
                .out())
        .isEqualTo("ClusterIP web 80 8080 []");

    Result secret =
        runFailing("create", "secret", "generic", "creds", "-n", "team-a", "--from-literal=a=b");
    assertThat(secret.err()).contains("reads protobuf only for").contains("kubectl apply -f");
  }

  @Test
  @DisplayName(
      "kubectl apply of a manifest with a Secret and a ServiceAccount beside the Deployment, as the"
          + " refusal of create secret advises")
  void applyASecretAndAServiceAccount() throws IOException {
    Path manifest = home.resolve("credentials.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: cart-credentials
          namespace: demo
        stringData:
          password: s3cret
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: cart
          namespace: demo
        """);

    assertThat(run("apply", "-f", manifest.toString()).out())
        .contains("secret/cart-credentials created")
        .contains("serviceaccount/cart created");
    assertThat(
            run(
                    "get",
                    "secret",
                    "cart-credentials",
                    "-n",
                    "demo",
                    "-o",
                    "jsonpath={.data.password}")
                .out())
        .isEqualTo(Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8)));
    assertThat(run("get", "sa", "-n", "demo", "-o", "name").out()).contains("serviceaccount/cart");
    assertThat(run("delete", "-f", manifest.toString()).out())
        .contains("secret \"cart-credentials\" deleted")
        .contains("serviceaccount \"cart\" deleted");
  }

  @Test
  @DisplayName(
      "lists are typed as an API server types them (ServiceList, DeploymentList, ExperimentList),"
          + " so kubectl cluster-info, which casts them, works")
  void typedLists() {
    assertThat(run("cluster-info").out()).contains("Kubernetes control plane is running at");
    assertThat(run("get", "--raw", "/api/v1/namespaces/demo/services").out())
        .contains("\"kind\":\"ServiceList\"")
        .contains("\"apiVersion\":\"v1\"");
    assertThat(run("get", "--raw", "/apis/apps/v1/deployments").out())
        .contains("\"kind\":\"DeploymentList\"")
        .contains("\"apiVersion\":\"apps/v1\"");
    assertThat(run("get", "--raw", "/apis/aegis.dev/v1alpha1/experiments").out())
        .contains("\"kind\":\"ExperimentList\"");
  }

  @Test
  @DisplayName(
      "kubectl apply of the example Experiment is picked up by Aegis, shows in get and describe,"
          + " and kubectl delete waits for Aegis to release it")
  void applyAnExperimentAegisPicksUp() {
    assertThat(run("apply", "-f", EXAMPLE_EXPERIMENT.toString()).out())
        .contains("experiment.aegis.dev/checkout-1-4-2 created");

    String phase =
        await("Aegis writes the experiment's phase")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    run(
                            "get",
                            "experiments",
                            "checkout-1-4-2",
                            "-n",
                            "shop",
                            "-o",
                            "jsonpath={.status.phase}")
                        .out(),
                p -> !p.isBlank());
    System.out.println("KubectlAgainstStandaloneIT: the example experiment is " + phase);

    assertThat(run("get", "aexp", "-n", "shop").out())
        .contains("SERVICE", "CANDIDATE", "PHASE", "WEIGHT")
        .containsPattern("checkout-1-4-2\\s+checkout\\s+1\\.4\\.2\\s+" + phase);
    assertThat(run("describe", "experiment", "checkout-1-4-2", "-n", "shop").out())
        .containsPattern("Kind:\\s+Experiment")
        .contains("Conditions:");

    // The reconciler's finalizer holds the resource until Aegis has aborted the experiment.
    assertThat(run("delete", "experiment", "checkout-1-4-2", "-n", "shop", "--timeout=60s").out())
        .contains("experiment.aegis.dev \"checkout-1-4-2\" deleted");
    assertThat(runFailing("get", "experiment", "checkout-1-4-2", "-n", "shop").err())
        .contains("NotFound");
  }

  @Test
  @DisplayName(
      "kubectl scale, by patch and by get-and-update, sets the Deployment's replicas, and they"
          + " are still there after the in-process cluster restarts on its state directory")
  void kubectlScaleSurvivesARestart() throws IOException {
    Path state = home.resolve("kubernetes");
    Path manifest = home.resolve("cart.yaml");
    Files.writeString(manifest, cart("1.0.0", 3));
    try (AegisKubernetes durable = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      Path kubeconfig = durable.writeKubeconfig(Optional.of(home));
      assertThat(runWith(kubeconfig, "apply", "-f", manifest.toString()).out())
          .contains("deployment.apps/cart created");
      assertThat(
              runWith(kubeconfig, "scale", "deployment", "cart", "-n", "demo", "--replicas=5")
                  .out())
          .contains("deployment.apps/cart scaled");
      // With a precondition kubectl reads the Scale and replaces it instead of patching.
      assertThat(
              runWith(
                      kubeconfig,
                      "scale",
                      "deployment",
                      "cart",
                      "-n",
                      "demo",
                      "--current-replicas=5",
                      "--replicas=6")
                  .out())
          .contains("deployment.apps/cart scaled");
      Result stale =
          kubectl(
              kubeconfig,
              "scale",
              "deployment",
              "cart",
              "-n",
              "demo",
              "--current-replicas=5",
              "--replicas=7");
      assertThat(stale.exit()).as(stale.err()).isNotZero();
      assertThat(stale.err()).contains("replicas to be 5, was 6");
    }

    try (AegisKubernetes restarted = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      Path kubeconfig = restarted.writeKubeconfig(Optional.of(home));
      assertThat(
              runWith(
                      kubeconfig,
                      "get",
                      "deployment",
                      "cart",
                      "-n",
                      "demo",
                      "-o",
                      "jsonpath={.kind} {.spec.replicas} {.spec.template.spec.containers[0].image}")
                  .out())
          .isEqualTo("Deployment 6 registry.local/demo/cart:1.0.0");
    }
  }

  private static String cart(String version, int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: cart
          namespace: demo
          labels:
            app: cart
        spec:
          replicas: %d
          selector:
            matchLabels:
              app: cart
          template:
            metadata:
              labels:
                app: cart
            spec:
              containers:
                - name: cart
                  image: registry.local/demo/cart:%s
                  ports:
                    - containerPort: 8080
                - name: sidecar
                  image: registry.local/demo/sidecar:1.0.0
        """
        .formatted(replicas, version);
  }

  record Result(int exit, String out, String err) {}

  /** Runs kubectl and requires it to succeed with nothing on stderr. */
  private Result run(String... args) {
    return runWith(cluster.kubeconfig().orElseThrow(), args);
  }

  private Result runWith(Path kubeconfig, String... args) {
    Result result = kubectl(kubeconfig, args);
    assertThat(result.exit())
        .as(
            "kubectl %s%nstdout: %s%nstderr: %s",
            String.join(" ", args), result.out(), result.err())
        .isZero();
    assertThat(result.err()).as("kubectl %s stderr", String.join(" ", args)).isEmpty();
    return result;
  }

  private Result runFailing(String... args) {
    Result result = kubectl(cluster.kubeconfig().orElseThrow(), args);
    assertThat(result.exit()).as("kubectl %s exit code", String.join(" ", args)).isNotZero();
    return result;
  }

  private Result kubectl(Path kubeconfig, String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    // kubectl's discovery cache goes under $HOME/.kube: one per test.
    builder.environment().put("HOME", home.toString());
    try {
      Path out = Files.createTempFile(home, "kubectl", ".out");
      Path err = Files.createTempFile(home, "kubectl", ".err");
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8).strip(),
          Files.readString(err, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
