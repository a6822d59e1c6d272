package dev.aegis.operators.resource;

import dev.aegis.operators.controller.ControllerLoop;
import dev.aegis.operators.resource.ExperimentGateway.SubmitAnswer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns {@link ExperimentResource}s into experiments of the orchestrator and reports their
 * lifecycle back on {@code .status}, so GitOps users never need the REST API. A {@link
 * ControllerLoop} watches the resources and calls {@code reconcile(key)} for each key; this class
 * only decides what a resource needs.
 *
 * <ul>
 *   <li>A resource whose current spec generation has not been answered is submitted through the
 *       {@link ExperimentGateway}, with its uid as idempotency key, so a crash between submitting
 *       and writing the status cannot create a second experiment. A refusal is written to the
 *       status and not retried until the spec changes (its generation grows).
 *   <li>Every {@link Settings#pollInterval()} (and on each informer event) the orchestrator's view
 *       of every running experiment is projected onto the status ({@link StatusProjection}); the
 *       status subresource is replaced (PUT, guarded by the resourceVersion) only when the
 *       projection differs. A whole replacement rather than a merge patch, so conditions and
 *       cleared fields never linger from an older status.
 *   <li>The {@link #FINALIZER} holds a deleted resource until its running experiment is aborted, so
 *       a deletion while the orchestrator is down is not lost. It is added before submitting and
 *       removed once the experiment has ended or was refused, so finished resources delete at once.
 *       A resource that disappears without it (finalizer removed by hand) is aborted from the
 *       informer's delete event.
 * </ul>
 *
 * <p>All work runs on the loop's one thread, so no two reconciliations of a resource overlap.
 * Gateway and API errors are logged and retried on the next tick; the informer retries its watch
 * forever. Every log line carries the resource ({@code experimentResource}) and, once known, {@code
 * experimentId} in the MDC.
 *
 * <p>Kubernetes verbs used: experiments list/watch (informer) and patch (finalizer),
 * experiments/status update.
 */
public final class ExperimentReconciler implements AutoCloseable {

  /** Holds a deleted resource until its experiment is aborted. */
  public static final String FINALIZER = "aegis.dev/abort-experiment";

  static final String DELETION_REASON = "Experiment resource deleted";

  private static final Logger log = LoggerFactory.getLogger(ExperimentReconciler.class);

  /**
   * How the reconciler runs.
   *
   * @param namespace the namespace to watch, or {@code null} for all namespaces
   * @param pollInterval how often running experiments are read back from the orchestrator
   * @param resyncPeriod how often the informer replays its cache as update events
   */
  public record Settings(String namespace, Duration pollInterval, Duration resyncPeriod) {

    public Settings {
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive");
      }
      if (resyncPeriod.isNegative()) {
        throw new IllegalArgumentException("resyncPeriod must not be negative");
      }
    }

    /** All namespaces, reading the orchestrator every 2 s, informer resync every 5 min. */
    public static Settings allNamespaces() {
      return new Settings(null, Duration.ofSeconds(2), Duration.ofMinutes(5));
    }

    /** These settings, watching only {@code namespace}. */
    public Settings inNamespace(String namespace) {
      return new Settings(namespace, pollInterval, resyncPeriod);
    }

    /** These settings, reading running experiments back every {@code interval}. */
    public Settings pollEvery(Duration interval) {
      return new Settings(namespace, interval, resyncPeriod);
    }
  }

  private final KubernetesClient client;
  private final ExperimentGateway gateway;
  private final Settings settings;
  private final Clock clock;
  private final ControllerLoop<ExperimentResource> loop;
  // The fields below are touched only on the loop's worker thread.
  private final Map<String, ExperimentResource> ownWrites = new HashMap<>();
  private final Set<String> abortedOnDelete = new HashSet<>();
  private final Map<String, ExperimentResource> orphans = new HashMap<>();

  /**
   * @param client the cluster; the reconciler does not close it
   * @param gateway the orchestrator
   * @param clock stamps condition transition times
   */
  public ExperimentReconciler(
      KubernetesClient client, ExperimentGateway gateway, Settings settings, Clock clock) {
    this.client = client;
    this.gateway = gateway;
    this.settings = settings;
    this.clock = clock;
    var experiments = client.resources(ExperimentResource.class);
    this.loop =
        new ControllerLoop<>(
            settings.namespace() == null
                ? experiments.inAnyNamespace()
                : experiments.inNamespace(settings.namespace()),
            new ControllerLoop.Settings(
                "Experiment",
                "experimentResource",
                settings.pollInterval(),
                settings.resyncPeriod()),
            new Work());
  }

  /**
   * Starts watching and polling; returns at once. The informer retries its list/watch on its own
   * while the API server is unreachable.
   *
   * @throws IllegalStateException when already started
   */
  public void start() {
    loop.start();
    log.info(
        "Experiment reconciler started in {}",
        settings.namespace() == null ? "all namespaces" : "namespace " + settings.namespace());
  }

  /** Stops the informer, lets a reconciliation in progress finish, and stops polling. */
  @Override
  public void close() {
    loop.close();
  }

  /** What the loop calls, on its worker thread. */
  private final class Work implements ControllerLoop.Handler<ExperimentResource> {
    @Override
    public void reconcile(String key) {
      ExperimentReconciler.this.reconcile(key);
    }

    @Override
    public void deleted(ExperimentResource last) {
      ExperimentReconciler.this.deleted(last);
    }

    @Override
    public void tick() {
      orphans.values().removeIf(ExperimentReconciler.this::abortOrphan);
    }
  }

  private void reconcile(String key) {
    ExperimentResource cached = loop.cached(key);
    if (cached == null) {
      return;
    }
    ExperimentResource experiment = freshest(cached);
    ExperimentStatus status = statusOf(experiment);
    if (status.experimentId() != null) {
      MDC.put("experimentId", status.experimentId());
    }
    if (experiment.isMarkedForDeletion()) {
      finalizeDeletion(experiment, status);
    } else if (awaitsAnswer(experiment, status)) {
      submit(experiment);
    } else if (status.running()) {
      follow(experiment, status);
    } else if (experiment.hasFinalizer(FINALIZER)) {
      editMetadata(
          experiment,
          e -> {
            e.removeFinalizer(FINALIZER);
            return e;
          });
    }
  }

  /** True when the orchestrator has not yet answered the current spec generation. */
  private static boolean awaitsAnswer(ExperimentResource experiment, ExperimentStatus status) {
    return status.experimentId() == null
        && (status.observedGeneration() == null
            || generation(experiment) > status.observedGeneration());
  }

  private void submit(ExperimentResource experiment) {
    ExperimentResource held =
        experiment.hasFinalizer(FINALIZER)
            ? experiment
            : editMetadata(
                experiment,
                e -> {
                  e.addFinalizer(FINALIZER);
                  return e;
                });
    String body =
        client
            .getKubernetesSerialization()
            .asJson(
                experiment.getSpec().withDefaultNamespace(experiment.getMetadata().getNamespace()));
    SubmitAnswer answer =
        gateway.submit(
            experiment.getMetadata().getNamespace(),
            body,
            experiment.getMetadata().getUid(),
            actor(experiment));
    ExperimentStatus previous = experiment.getStatus();
    Instant now = clock.instant();
    ExperimentStatus next;
    if (answer instanceof SubmitAnswer.Accepted accepted) {
      MDC.put("experimentId", accepted.experimentId());
      log.info("Experiment submitted and accepted as {}", accepted.experimentId());
      next =
          StatusProjection.accepted(previous, accepted.experimentId(), generation(experiment), now);
    } else if (answer instanceof SubmitAnswer.Refused refused) {
      log.info("Experiment submission refused: {}", refused.reason());
      next = StatusProjection.refused(previous, refused.reason(), generation(experiment), now);
    } else {
      throw new IllegalStateException("unknown submit answer " + answer);
    }
    writeStatus(held, next);
  }

  private void follow(ExperimentResource experiment, ExperimentStatus status) {
    Optional<ExperimentStatusView> view = gateway.status(status.experimentId());
    Instant now = clock.instant();
    ExperimentStatus next =
        view.map(v -> StatusProjection.observed(status, v, now))
            .orElseGet(() -> StatusProjection.notFound(status, now));
    if (!next.equals(status)) {
      if (!next.phase().equals(status.phase())) {
        log.info("Experiment phase {} -> {}", status.phase(), next.phase());
      }
      writeStatus(experiment, next);
    }
  }

  private void finalizeDeletion(ExperimentResource experiment, ExperimentStatus status) {
    if (!experiment.hasFinalizer(FINALIZER)) {
      return;
    }
    // The informer may still show the resource with the finalizer after it was aborted and
    // released.
    if (status.running() && !abortedOnDelete.contains(experiment.getMetadata().getUid())) {
      gateway.abort(status.experimentId(), actor(experiment), DELETION_REASON);
      abortedOnDelete.add(experiment.getMetadata().getUid());
      log.info("Experiment resource deleted; experiment aborted");
    }
    editMetadata(
        experiment,
        e -> {
          e.removeFinalizer(FINALIZER);
          return e;
        });
  }

  /** The resource is gone; abort its experiment unless the finalizer already did. */
  private void deleted(ExperimentResource experiment) {
    String uid = experiment.getMetadata().getUid();
    ownWrites.remove(uid);
    if (!abortedOnDelete.remove(uid) && statusOf(experiment).running()) {
      orphans.put(uid, experiment);
      orphans.values().removeIf(this::abortOrphan);
    }
  }

  /**
   * Aborts the experiment of a resource deleted without the finalizer; false to try again next
   * tick.
   */
  private boolean abortOrphan(ExperimentResource experiment) {
    String id = statusOf(experiment).experimentId();
    try (MDC.MDCCloseable ignored = MDC.putCloseable("experimentId", id)) {
      gateway.abort(id, actor(experiment), DELETION_REASON);
      log.info("Experiment resource deleted without finalizer; experiment aborted");
      return true;
    } catch (RuntimeException e) {
      log.warn(
          "Aborting the experiment of a deleted resource failed; retrying on the next tick", e);
      return false;
    }
  }

  private ExperimentResource editMetadata(
      ExperimentResource experiment, UnaryOperator<ExperimentResource> change) {
    ExperimentResource result = client.resource(copyOf(experiment)).edit(change);
    remember(result);
    return result == null ? experiment : result;
  }

  private void writeStatus(ExperimentResource experiment, ExperimentStatus status) {
    ExperimentResource copy = copyOf(experiment);
    copy.setStatus(status);
    remember(client.resource(copy).updateStatus());
  }

  /** Never hand the informer's cached object to an edit, which would change it in place. */
  private ExperimentResource copyOf(ExperimentResource experiment) {
    return client.getKubernetesSerialization().clone(experiment);
  }

  /**
   * The informer may not have seen our own last write yet when the next event or tick arrives;
   * acting on the older copy would submit or stamp conditions twice. resourceVersions are opaque in
   * principle but numbers in practice; if they are not, the cache is trusted, and a stale write is
   * rejected by the resourceVersion it carries and retried on the next tick (a repeated submission
   * returns the first answer).
   */
  private ExperimentResource freshest(ExperimentResource cached) {
    String uid = cached.getMetadata().getUid();
    ExperimentResource written = ownWrites.get(uid);
    if (written != null && newer(written, cached)) {
      return written;
    }
    ownWrites.remove(uid);
    return cached;
  }

  private void remember(ExperimentResource written) {
    if (written != null && written.getMetadata() != null) {
      ownWrites.put(written.getMetadata().getUid(), written);
    }
  }

  private static boolean newer(ExperimentResource a, ExperimentResource b) {
    try {
      return Long.parseLong(a.getMetadata().getResourceVersion())
          > Long.parseLong(b.getMetadata().getResourceVersion());
    } catch (NumberFormatException notNumeric) {
      return false;
    }
  }

  private static ExperimentStatus statusOf(ExperimentResource experiment) {
    return experiment.getStatus() != null
        ? experiment.getStatus()
        : new ExperimentStatus(null, null, null, null, null, null, null, null, null);
  }

  private static long generation(ExperimentResource experiment) {
    Long generation = experiment.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  private static String actor(ExperimentResource experiment) {
    return "kubernetes:"
        + experiment.getMetadata().getNamespace()
        + "/"
        + experiment.getMetadata().getName();
  }
}
