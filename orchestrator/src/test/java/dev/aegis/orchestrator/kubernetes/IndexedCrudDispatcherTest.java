package dev.aegis.orchestrator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.operators.testing.ClusterFixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The in-process API server's index by namespace and name, against fabric8's plain CRUD server: the
 * same requests get the same answers, and requests for one named object no longer scan.
 */
class IndexedCrudDispatcherTest {

  private final List<KubernetesMockServer> servers = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(KubernetesClient::close);
    servers.forEach(KubernetesMockServer::destroy);
  }

  @Test
  @DisplayName("creating, reading, labelling and scaling named objects never scans the store")
  void namedRequestsUseTheIndex() {
    IndexedCrudDispatcher indexed = new IndexedCrudDispatcher();
    KubernetesClient client = serve(indexed);
    long before = indexed.scans();

    for (String ns : List.of("shop", "pay")) {
      for (int i = 0; i < 20; i++) {
        client.resource(deployment(ns, "svc-" + i, ns + "/svc-" + i + ":1.0")).create();
        client.resource(ClusterFixtures.stableService(ns, "svc-" + i)).create();
      }
    }
    for (String ns : List.of("shop", "pay")) {
      for (int i = 0; i < 20; i++) {
        Deployment read = deployments(client, ns).withName("svc-" + i).get();
        assertThat(image(read)).isEqualTo(ns + "/svc-" + i + ":1.0");
        assertThat(client.services().inNamespace(ns).withName("svc-" + i).get().getKind())
            .isEqualTo("Service");
        // A new label changes the object's key in the store: the index must follow it.
        deployments(client, ns)
            .withName("svc-" + i)
            .edit(d -> labelled(d, "aegis.dev/seen", "yes"));
        deployments(client, ns).withName("svc-" + i).scale(i + 1);
      }
    }
    Deployment last = deployments(client, "pay").withName("svc-19").get();
    Deployment absent = deployments(client, "shop").withName("svc-20").get();

    assertThat(indexed.scans()).isEqualTo(before);
    assertThat(absent).isNull();
    assertThat(last.getMetadata().getLabels()).containsEntry("aegis.dev/seen", "yes");
    assertThat(last.getSpec().getReplicas()).isEqualTo(20);
  }

  @Test
  @DisplayName("a random mix of requests gets the answers the plain CRUD server gives")
  void answersAsThePlainServer() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    KubernetesClient indexed = serve(new IndexedCrudDispatcher());
    KubernetesClient plain = serve(new KubernetesCrudDispatcher());
    List<String> log = new ArrayList<>();

    for (int step = 0; step < 600; step++) {
      String ns = random.nextBoolean() ? "shop" : "pay";
      String name = "svc-" + random.nextInt(12);
      int op = random.nextInt(6);
      log.add(op + " " + ns + "/" + name);
      for (KubernetesClient client : List.of(indexed, plain)) {
        apply(client, op, ns, name, step);
      }
      String context = "seed " + seed + ", step " + step + ": " + log.get(log.size() - 1);
      assertThat(view(indexed, ns, name)).as(context).isEqualTo(view(plain, ns, name));
    }
    for (String ns : List.of("shop", "pay")) {
      assertThat(list(indexed, ns)).as("seed " + seed).isEqualTo(list(plain, ns));
    }
  }

  private static void apply(KubernetesClient client, int op, String ns, String name, int step) {
    var deployment = deployments(client, ns).withName(name);
    boolean exists = deployment.get() != null;
    switch (op) {
      case 0, 1 -> {
        if (!exists) {
          client.resource(deployment(ns, name, ns + "/" + name + ":" + step)).create();
        }
      }
      case 2 -> {
        if (exists) {
          deployment.edit(d -> labelled(d, "step", String.valueOf(step % 3)));
        }
      }
      case 3 -> {
        if (exists) {
          deployment.scale(step % 7);
        }
      }
      case 4 -> {
        if (exists) {
          deployment.delete();
        }
      }
      default -> {
        Service service = client.services().inNamespace(ns).withName(name).get();
        if (service == null) {
          client.resource(ClusterFixtures.stableService(ns, name)).create();
        } else {
          client.services().inNamespace(ns).withName(name).delete();
        }
      }
    }
  }

  /** What both servers must agree on about one name: its Deployment and its Service. */
  private static String view(KubernetesClient client, String ns, String name) {
    Deployment d = deployments(client, ns).withName(name).get();
    Service s = client.services().inNamespace(ns).withName(name).get();
    return (d == null
            ? "no deployment"
            : image(d) + " x" + d.getSpec().getReplicas() + " " + labels(d))
        + " / "
        + (s == null ? "no service" : "service " + labels(s));
  }

  private static Map<String, String> list(KubernetesClient client, String ns) {
    Map<String, String> all = new TreeMap<>();
    deployments(client, ns)
        .withLabel("step", "1")
        .list()
        .getItems()
        .forEach(d -> all.put(d.getMetadata().getName(), image(d)));
    return all;
  }

  private KubernetesClient serve(KubernetesCrudDispatcher objects) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            new ApiServerDispatcher(objects, Clock.systemUTC()),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    servers.add(server);
    KubernetesClient client = server.createClient();
    clients.add(client);
    return client;
  }

  private static Deployment deployment(String ns, String name, String image) {
    return ClusterFixtures.stableDeployment(ns, name, image, 2);
  }

  private static <T extends HasMetadata> T labelled(T object, String key, String value) {
    Map<String, String> labels = new HashMap<>(labelsOf(object));
    labels.put(key, value);
    object.getMetadata().setLabels(labels);
    return object;
  }

  private static String labels(HasMetadata object) {
    return String.valueOf(new TreeMap<>(labelsOf(object)));
  }

  private static Map<String, String> labelsOf(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          Deployment,
          io.fabric8.kubernetes.api.model.apps.DeploymentList,
          io.fabric8.kubernetes.client.dsl.RollableScalableResource<Deployment>>
      deployments(KubernetesClient client, String ns) {
    return client.apps().deployments().inNamespace(ns);
  }
}
