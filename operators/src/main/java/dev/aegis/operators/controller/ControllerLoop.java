package dev.aegis.operators.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The loop of a level-triggered controller over one kind of resource. An informer keeps a cache of
 * the resources and turns watch events into keys ({@code namespace/name}) on a work queue; one
 * worker thread hands each key to the {@link Handler}; every {@link Settings#tickInterval()} the
 * worker hands it every cached key again. A reconciliation that fails is therefore retried on the
 * next tick, from the state of that moment.
 *
 * <p>What a {@link Handler} can rely on:
 *
 * <ul>
 *   <li>Every call runs on the loop's one worker thread, one at a time, so state touched only by
 *       the handler needs no locking and no two reconciliations of a key overlap.
 *   <li>A key already waiting in the queue is not queued again: a burst of events is one
 *       reconciliation.
 *   <li>Each call runs with {@code <mdcKey>=<key>} in the MDC, and whatever the handler puts in the
 *       MDC is gone after the call.
 *   <li>A {@link RuntimeException} from a call is logged as one WARN line (the stack trace at
 *       DEBUG) and the loop goes on; the key is reconciled again on the next tick.
 * </ul>
 *
 * <p>The informer retries its list/watch forever while the API server is unreachable.
 *
 * @param <T> the resource type
 */
public final class ControllerLoop<T extends HasMetadata> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControllerLoop.class);

  /** What the loop drives. */
  public interface Handler<T> {

    /**
     * Brings the resource with this key to its desired state. The resource is {@link
     * ControllerLoop#cached}; it may be gone by now. Throw to be called again on the next tick.
     */
    void reconcile(String key);

    /** The informer saw the resource deleted; {@code last} is its last known state. */
    default void deleted(T last) {}

    /** Runs at the start of every tick, before each cached key is reconciled. */
    default void tick() {}
  }

  /**
   * How the loop runs.
   *
   * @param kind names the resource in log lines and names the worker thread, e.g. {@code
   *     Experiment}
   * @param mdcKey the MDC key that carries the resource's key during each call
   * @param tickInterval how often every cached key is reconciled again, which is also the retry
   *     delay
   * @param resyncPeriod how often the informer replays its cache as update events; zero for never
   */
  public record Settings(String kind, String mdcKey, Duration tickInterval, Duration resyncPeriod) {

    public Settings {
      if (tickInterval.isNegative() || tickInterval.isZero()) {
        throw new IllegalArgumentException("tickInterval must be positive");
      }
      if (resyncPeriod.isNegative()) {
        throw new IllegalArgumentException("resyncPeriod must not be negative");
      }
    }
  }

  private final Informable<T> source;
  private final Settings settings;
  private final Handler<T> handler;
  private final ScheduledExecutorService worker;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private SharedIndexInformer<T> informer;

  /**
   * @param source the resources to watch, e.g. {@code
   *     client.resources(X.class).inNamespace("shop")}
   */
  public ControllerLoop(Informable<T> source, Settings settings, Handler<T> handler) {
    this.source = source;
    this.settings = settings;
    this.handler = handler;
    String thread = "aegis-" + settings.kind().toLowerCase(Locale.ROOT) + "-reconciler";
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, thread);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts the informer and the tick; returns at once.
   *
   * @throws IllegalStateException when already started
   */
  public synchronized void start() {
    if (informer != null) {
      throw new IllegalStateException("already started");
    }
    informer = source.runnableInformer(settings.resyncPeriod().toMillis());
    informer.exceptionHandler(
        (started, error) -> {
          log.warn("{} informer failed (started={}); retrying", settings.kind(), started, error);
          return true;
        });
    informer.addEventHandler(new Events());
    informer.start();
    long tick = settings.tickInterval().toMillis();
    worker.scheduleWithFixedDelay(
        () -> safely("tick", this::reconcileAll), tick, tick, TimeUnit.MILLISECONDS);
  }

  /** Stops the informer, lets a call in progress finish (up to 10 s), and stops the worker. */
  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.stop();
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** The informer's copy of the resource with this key; {@code null} when absent or not started. */
  public T cached(String key) {
    SharedIndexInformer<T> current = informer;
    return current == null ? null : current.getStore().getByKey(key);
  }

  /**
   * Asks for a reconciliation of {@code key} soon. Nothing happens when the key is already waiting,
   * or when the loop is closed.
   */
  public void enqueue(String key) {
    if (queued.add(key)) {
      submit(
          () -> {
            queued.remove(key);
            safely(key, () -> handler.reconcile(key));
          });
    }
  }

  /** Informer callbacks only queue work for the worker thread. */
  private final class Events implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T resource) {
      enqueue(Cache.metaNamespaceKeyFunc(resource));
    }

    @Override
    public void onUpdate(T before, T after) {
      enqueue(Cache.metaNamespaceKeyFunc(after));
    }

    @Override
    public void onDelete(T resource, boolean finalStateUnknown) {
      submit(() -> safely(Cache.metaNamespaceKeyFunc(resource), () -> handler.deleted(resource)));
    }
  }

  private void submit(Runnable work) {
    try {
      worker.execute(work);
    } catch (RejectedExecutionException closing) {
      log.debug("{} loop closing; event dropped", settings.kind());
    }
  }

  private void reconcileAll() {
    handler.tick();
    for (String key : informer.getStore().listKeys()) {
      safely(key, () -> handler.reconcile(key));
    }
  }

  /**
   * Runs one call with the key in the MDC; an exception is logged and the key retried on the next
   * tick.
   */
  private void safely(String key, Runnable work) {
    Map<String, String> before = MDC.getCopyOfContextMap();
    MDC.put(settings.mdcKey(), key);
    try {
      work.run();
    } catch (RuntimeException e) {
      // One line per tick while the orchestrator or the API is down; the stack trace only on
      // demand.
      log.warn(
          "Reconciling {} {} failed; retrying on the next tick: {}",
          settings.kind(),
          key,
          e.toString());
      log.debug("Reconciliation failure of {}", key, e);
    } finally {
      if (before == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(before);
      }
    }
  }
}
