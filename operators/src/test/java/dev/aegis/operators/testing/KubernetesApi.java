package dev.aegis.operators.testing;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: fabric8's Kubernetes API server in CRUD mode, with expectations in front of
 * it, and a client whose every request is checked against {@code kubernetes/rbac.yaml} after each
 * test.
 *
 * <pre>{@code
 * @RegisterExtension static final KubernetesApi api = new KubernetesApi();
 *
 * @Test void promotes() {
 *   api.adminClient().apps().deployments().inNamespace("shop").resource(cart).create(); // setup, not checked
 *   new KubernetesActuator(api.client()).apply(command);                              // checked against RBAC
 *   api.server().expect().get().withPath("/apis/...").andReturn(500, "boom").once();   // fault in front of CRUD
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #client()} is the client to hand to the code under test: its requests are recorded,
 *       and after each test the extension fails the test if {@code ClusterRole aegis-operator} does
 *       not allow one of them. fabric8's own request retries are off, so resilience is exercised by
 *       the code under test.
 *   <li>{@link #adminClient()} is for setting up and inspecting the cluster; its requests are not
 *       checked.
 *   <li>{@link #server()} takes expectations ({@code expect()...once()}) that answer before the
 *       CRUD store, to inject 500s, delays or other faults; {@link #newClient} gives a recorded
 *       client with other settings (e.g. a short request timeout).
 *   <li>The store and expectations are cleared before each test. Registered on a static field, one
 *       server serves the whole class; on an instance field, each test gets its own.
 *   <li>At the end of the run, {@code target/rbac-usage.txt} lists the permissions the tests
 *       exercised and those the role grants that no test using this extension needed.
 * </ul>
 */
public final class KubernetesApi
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final ApiRequestRecorder recorder = new ApiRequestRecorder();
  private final List<NamespacedKubernetesClient> clients = new ArrayList<>();
  private KubernetesMockServer server;
  private NamespacedKubernetesClient client;
  private NamespacedKubernetesClient adminClient;
  private boolean classScoped;

  /** The mock API server, for expectations in front of the CRUD store. */
  public KubernetesMockServer server() {
    return started(server);
  }

  /** The recorded, RBAC-checked client for the code under test. */
  public NamespacedKubernetesClient client() {
    return started(client);
  }

  /** An unrecorded client for test setup and assertions. */
  public NamespacedKubernetesClient adminClient() {
    return started(adminClient);
  }

  /**
   * Another recorded, RBAC-checked client, with settings changed by {@code settings} (starting from
   * the mock server's, with fabric8's request retries off). Closed by the extension.
   */
  public NamespacedKubernetesClient newClient(Consumer<ConfigBuilder> settings) {
    started(server);
    ConfigBuilder config =
        new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0);
    settings.accept(config);
    NamespacedKubernetesClient created =
        server.createClient(
            b -> {
              b.withConfig(config.build());
              recorder.attachTo(b);
            });
    clients.add(created);
    return created;
  }

  /** The requests the checked clients have made since the current test started. */
  public List<ApiRequest> requests() {
    return recorder.requests();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    classScoped = true;
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (server == null) {
      start();
    } else {
      server.reset();
      recorder.drain();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<ApiRequest> made = recorder.drain();
    usageReport(context).add(made);
    try {
      RbacPolicy.fromRepository().assertAllows(made);
    } finally {
      if (!classScoped) {
        stop();
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  private void start() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init();
    adminClient = server.createClient();
    client =
        server.createClient(
            b -> {
              b.withConfig(
                  new ConfigBuilder(adminClient.getConfiguration())
                      .withRequestRetryBackoffLimit(0)
                      .build());
              recorder.attachTo(b);
            });
  }

  private void stop() {
    clients.forEach(NamespacedKubernetesClient::close);
    clients.clear();
    if (client != null) {
      client.close();
      adminClient.close();
      server.destroy();
    }
    client = null;
    adminClient = null;
    server = null;
  }

  private <T> T started(T value) {
    if (value == null) {
      throw new IllegalStateException(
          "KubernetesApi is not started: register it with @RegisterExtension");
    }
    return value;
  }

  private static UsageReport usageReport(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.create(KubernetesApi.class))
        .getOrComputeIfAbsent(UsageReport.class, k -> new UsageReport(), UsageReport.class);
  }

  /**
   * Collects the requests of every test in the run and writes the permission usage report at its
   * end.
   */
  private static final class UsageReport implements ExtensionContext.Store.CloseableResource {
    private final List<ApiRequest> requests = new ArrayList<>();

    synchronized void add(List<ApiRequest> made) {
      requests.addAll(made);
    }

    @Override
    public synchronized void close() {
      RbacPolicy policy = RbacPolicy.fromRepository();
      StringBuilder report =
          new StringBuilder("# Permissions of ClusterRole ")
              .append(RbacPolicy.OPERATOR_ROLE)
              .append(" in the tests of this module\n\n## exercised\n");
      RbacPolicy.exercised(requests).forEach(p -> report.append(p).append('\n'));
      report.append("\n## granted but never used by these tests\n");
      policy.unusedPermissions(requests).forEach(p -> report.append(p).append('\n'));
      try {
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("rbac-usage.txt"), report);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
