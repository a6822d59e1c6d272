package dev.aegis.operators.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.operators.testing.KubernetesApi;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * The generic loop on ConfigMaps in fabric8's Kubernetes API server (CRUD mode). The loop is driven
 * through the admin client: these are not the operator's own requests, so the operator's role does
 * not apply.
 */
class ControllerLoopTest {

  private static final String NS = "shop";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension final KubernetesApi api = new KubernetesApi();

  /** Every call the handler received, in order, with what it saw. */
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  private ControllerLoop<ConfigMap> loop;

  record Call(String what, String key, String mdcKey, String leftover, String data) {}

  @AfterEach
  void closeLoop() {
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  void keysQueuedWhileTheWorkerIsBusyAreReconciledOnceEachInOrder() throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    start(
        Duration.ofHours(1),
        new Recording() {
          @Override
          public void reconcile(String key) {
            super.reconcile(key);
            if (key.equals("shop/first")) {
              busy.countDown();
              waitFor(release);
            }
          }
        });

    loop.enqueue("shop/first");
    assertThat(busy.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 5; i++) {
      loop.enqueue("shop/second");
    }
    loop.enqueue("shop/third");
    loop.enqueue("shop/second");
    release.countDown();
    await().atMost(WAIT).until(() -> reconciled().contains("shop/third"));

    assertThat(reconciled()).containsExactly("shop/first", "shop/second", "shop/third");
  }

  @Test
  void aResourceIsReconciledFromTheInformerCacheAndItsDeletionIsReported() {
    start(Duration.ofHours(1), new Recording());

    configMaps().resource(configMap("cart", "v1")).create();
    await()
        .atMost(WAIT)
        .until(() -> calls.contains(new Call("reconcile", "shop/cart", "shop/cart", null, "v1")));
    configMaps().resource(configMap("cart", "v2")).update();
    await()
        .atMost(WAIT)
        .until(() -> calls.contains(new Call("reconcile", "shop/cart", "shop/cart", null, "v2")));
    configMaps().withName("cart").delete();
    await().atMost(WAIT).until(() -> calls.stream().anyMatch(c -> c.what().equals("deleted")));

    assertThat(calls)
        .filteredOn(c -> c.what().equals("deleted"))
        .containsExactly(new Call("deleted", "shop/cart", "shop/cart", null, "v2"));
    assertThat(loop.cached("shop/cart")).isNull();
  }

  @Test
  void aFailedReconciliationIsRetriedOnTheNextTickWithACleanMdc() {
    configMaps().resource(configMap("cart", "v1")).create();
    AtomicInteger attempts = new AtomicInteger();
    start(
        Duration.ofMillis(50),
        new Recording() {
          @Override
          public void reconcile(String key) {
            super.reconcile(key);
            if (attempts.incrementAndGet() == 1) {
              MDC.put("experimentId", "exp-1");
              throw new IllegalStateException("orchestrator unavailable");
            }
          }
        });

    await().atMost(WAIT).until(() -> reconciled().size() >= 2);

    // Nothing but the tick reconciles again here (no updates, no informer resync).
    List<Call> snapshot = List.copyOf(calls);
    List<Call> fromFirstAttempt = snapshot.subList(indexOf(snapshot, "reconcile"), snapshot.size());
    assertThat(fromFirstAttempt.subList(0, 3))
        .containsExactly(
            new Call("reconcile", "shop/cart", "shop/cart", null, "v1"),
            new Call("tick", null, "tick", null, null),
            new Call("reconcile", "shop/cart", "shop/cart", null, "v1"));
  }

  /**
   * Starts a loop; it is in {@link #loop} before its first call, so the handler can read the cache.
   */
  private void start(Duration tick, ControllerLoop.Handler<ConfigMap> handler) {
    loop =
        new ControllerLoop<>(
            configMaps(),
            new ControllerLoop.Settings("ConfigMap", "resource", tick, Duration.ZERO),
            handler);
    loop.start();
  }

  private NonNamespaceOperation<ConfigMap, ConfigMapList, Resource<ConfigMap>> configMaps() {
    return api.adminClient().configMaps().inNamespace(NS);
  }

  private static int indexOf(List<Call> calls, String what) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).what().equals(what)) {
        return i;
      }
    }
    return -1;
  }

  private List<String> reconciled() {
    return calls.stream().filter(c -> c.what().equals("reconcile")).map(Call::key).toList();
  }

  private static ConfigMap configMap(String name, String version) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withData(Map.of("version", version))
        .build();
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records each call with the MDC it ran under and the cached resource's data. */
  private class Recording implements ControllerLoop.Handler<ConfigMap> {
    @Override
    public void reconcile(String key) {
      ConfigMap cached = loop.cached(key);
      calls.add(
          new Call(
              "reconcile",
              key,
              MDC.get("resource"),
              MDC.get("experimentId"),
              cached == null ? null : cached.getData().get("version")));
    }

    @Override
    public void deleted(ConfigMap last) {
      calls.add(
          new Call(
              "deleted",
              last.getMetadata().getNamespace() + "/" + last.getMetadata().getName(),
              MDC.get("resource"),
              MDC.get("experimentId"),
              last.getData().get("version")));
    }

    @Override
    public void tick() {
      calls.add(new Call("tick", null, MDC.get("resource"), MDC.get("experimentId"), null));
    }
  }
}
