package dev.aegis.orchestrator.kubernetes;

import dev.aegis.orchestrator.standalone.infrastructure.DataDirectory;
import dev.aegis.orchestrator.standalone.infrastructure.DirectoryLock;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster Aegis acts on: the kubeconfig's (or in-cluster) one in production, or an in-process
 * Kubernetes API server (fabric8's, CRUD mode) in standalone mode and tests, with the {@code
 * Experiment} CRD installed. The client never retries on its own: retries and the circuit breaker
 * live in one place, the operators' {@code ResilientActuator}.
 *
 * <p>An in-process server given a state directory keeps its objects there ({@link
 * PersistentCrudDispatcher}): Deployments, Services, VirtualServices and Experiments survive a
 * restart and a {@code kill -9}, and the directory is claimed ({@link DirectoryLock}) so a second
 * live instance is refused. Without one it starts empty and forgets everything when it stops.
 *
 * <p>The in-process server also serves what {@code kubectl} needs ({@link ApiServerDispatcher}:
 * discovery, Tables, its patch types), and {@link #writeKubeconfig} points a kubeconfig at it.
 */
public final class AegisKubernetes implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AegisKubernetes.class);
  static final String CRD_RESOURCE = "kubernetes/crd/experiments.aegis.dev.yaml";

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final DirectoryLock stateLock;
  private final int restoredObjects;
  private volatile Path kubeconfig;
  private volatile boolean temporaryKubeconfig;

  private AegisKubernetes(
      KubernetesMockServer server,
      KubernetesClient client,
      DirectoryLock stateLock,
      int restoredObjects) {
    this.server = server;
    this.client = client;
    this.stateLock = stateLock;
    this.restoredObjects = restoredObjects;
  }

  /**
   * Connects to the cluster {@code properties} name, starting the in-process one in embedded mode.
   *
   * @param stateDirectory where the in-process server keeps its objects; empty: it keeps none
   * @param customizers applied to the client Aegis acts with (not to the one that installs the CRD)
   */
  public static AegisKubernetes start(
      KubernetesProperties properties,
      Optional<Path> stateDirectory,
      List<KubernetesClientCustomizer> customizers) {
    if (!properties.embedded()) {
      ConfigBuilder builder =
          new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(0);
      if (!properties.masterUrl().isBlank()) {
        builder.withMasterUrl(properties.masterUrl());
      }
      Config config = builder.build();
      log.info("Kubernetes: external cluster at {}", config.getMasterUrl());
      return new AegisKubernetes(null, build(config, customizers), null, 0);
    }
    return inProcess(properties.embeddedPort(), stateDirectory, customizers);
  }

  /**
   * Starts an empty in-process API server on 127.0.0.1:{@code port} (0: a free port) with the
   * {@code Experiment} CRD installed, and connects to it; its objects are gone when it stops. Tests
   * that need a cluster outliving an application context use it too.
   */
  public static AegisKubernetes inProcess(int port, List<KubernetesClientCustomizer> customizers) {
    return inProcess(port, Optional.empty(), customizers);
  }

  /**
   * As {@link #inProcess(int, List)}, keeping the objects in {@code stateDirectory} when one is
   * given: the objects saved there are served again, and every change is saved before it is
   * acknowledged.
   *
   * @throws IllegalStateException if another live instance uses the directory, or no saved state in
   *     it can be read
   */
  public static AegisKubernetes inProcess(
      int port, Optional<Path> stateDirectory, List<KubernetesClientCustomizer> customizers) {
    DirectoryLock lock =
        stateDirectory
            .map(
                d ->
                    DirectoryLock.acquire(
                        d,
                        "Kubernetes state directory",
                        "set " + DataDirectory.PROPERTY + " to another directory (or 'ephemeral')"))
            .orElse(null);
    try {
      IndexedCrudDispatcher dispatcher;
      int restored = 0;
      if (stateDirectory.isEmpty()) {
        dispatcher = new IndexedCrudDispatcher();
      } else {
        PersistentCrudDispatcher persistent =
            new PersistentCrudDispatcher(
                new ClusterStateStore(stateDirectory.get(), Serialization.jsonMapper()));
        restored = persistent.restore();
        dispatcher = persistent;
      }
      KubernetesMockServer server =
          new KubernetesMockServer(
              new Context(Serialization.jsonMapper()),
              new MockWebServer(),
              new HashMap<>(),
              new ApiServerDispatcher(dispatcher, Clock.systemUTC()),
              false);
      server.init(InetAddress.getLoopbackAddress(), port);
      Config config;
      // Installing the CRD is the cluster admin's job, not Aegis's: done with the server's own
      // client.
      try (KubernetesClient admin = server.createClient()) {
        installCrd(admin);
        config =
            new ConfigBuilder(admin.getConfiguration()).withRequestRetryBackoffLimit(0).build();
      }
      KubernetesClient client = build(config, customizers);
      String kept =
          stateDirectory.isEmpty()
              ? " (objects kept in memory only)"
              : " with its objects in " + stateDirectory.get() + " (" + restored + " restored)";
      log.info("Kubernetes: in-process API server at {}{}", config.getMasterUrl(), kept);
      return new AegisKubernetes(server, client, lock, restored);
    } catch (RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  private static KubernetesClient build(
      Config config, List<KubernetesClientCustomizer> customizers) {
    KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config);
    customizers.forEach(c -> c.customize(builder));
    return builder.build();
  }

  private static void installCrd(KubernetesClient client) {
    try (InputStream yaml =
        AegisKubernetes.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (yaml == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath");
      }
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(yaml).item();
      // A restored cluster has it already: this version's definition replaces the saved one.
      client.resource(crd).createOr(NonDeletingOperation::update);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  public boolean isEmbedded() {
    return server != null;
  }

  /**
   * How many objects the in-process server restored from its state directory at start: 0 for a new
   * or ephemeral cluster, and for an external one. Lets standalone code tell a cluster that
   * outlived a restart from a new one.
   */
  public int restoredObjects() {
    return restoredObjects;
  }

  /**
   * Writes a kubeconfig for the in-process API server: {@code directory/kubeconfig}, kept after
   * stop (the next start rewrites it), or a temporary file deleted at stop when there is no
   * directory.
   *
   * @return the file written
   * @throws IllegalStateException for an external cluster (its kubeconfig is the user's own)
   */
  public Path writeKubeconfig(Optional<Path> directory) {
    if (!isEmbedded()) {
      throw new IllegalStateException("an external cluster has its own kubeconfig");
    }
    try {
      Path file =
          directory.isPresent()
              ? directory.get().resolve(Kubeconfig.FILE)
              : Files.createTempFile("aegis-kubeconfig-", "");
      Kubeconfig.write(file, masterUrl());
      temporaryKubeconfig = directory.isEmpty();
      kubeconfig = file;
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kubeconfig {@link #writeKubeconfig} wrote, if it was called. */
  public Optional<Path> kubeconfig() {
    return Optional.ofNullable(kubeconfig);
  }

  /** The API server's URL (what a kubeconfig's {@code server:} would say). */
  public String masterUrl() {
    return client.getConfiguration().getMasterUrl();
  }

  @Override
  public void close() {
    client.close();
    if (server != null) {
      server.destroy();
    }
    if (stateLock != null) {
      stateLock.close();
    }
    if (temporaryKubeconfig && kubeconfig != null) {
      try {
        Files.deleteIfExists(kubeconfig);
      } catch (IOException e) {
        log.warn("Kubernetes: could not delete the temporary kubeconfig {}", kubeconfig, e);
      }
    }
  }
}
