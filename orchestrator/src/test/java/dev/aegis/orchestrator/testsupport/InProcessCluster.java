package dev.aegis.orchestrator.testsupport;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * A Kubernetes API server (fabric8's, CRUD mode) owned by a test rather than by an application context,
 * for tests where the cluster must outlive an orchestrator (point it there with
 * {@code aegis.kubernetes.mode=external} and {@code aegis.kubernetes.master-url}).
 */
public final class InProcessCluster implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private InProcessCluster(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  public static InProcessCluster start() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
        new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return new InProcessCluster(server);
  }

  public String url() {
    return client.getConfiguration().getMasterUrl();
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
