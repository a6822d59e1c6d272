package dev.aegis.chaos;

import static dev.aegis.chaos.ChaosObjects.describe;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults into a Kubernetes cluster, through Chaos Mesh's custom resources where they are
 * installed (and {@link ChaosSettings#chaosMesh()} allows), else natively: pod deletes, Istio
 * VirtualService fault routes, stress Jobs and deny-all NetworkPolicies. Every injection records
 * the steps that undo it; see docs/chaos.md for each kind's mechanism, parameters and revert.
 *
 * <p>Whether Chaos Mesh is installed is read on every injection (one GET of the kind's custom
 * resource definition), so installing or removing it takes effect at once.
 *
 * <p>When the API cannot be reached or answers an error, {@link #inject} and {@link #revert} throw
 * {@link ClusterUnavailableException}, never the client's own exception.
 */
public final class KubernetesFaultInjector implements FaultInjector {

  private static final Logger log = LoggerFactory.getLogger(KubernetesFaultInjector.class);

  private final KubernetesClient client;
  private final ChaosSettings settings;
  private final Random random;
  private final VirtualServiceFaults routes;

  public KubernetesFaultInjector(KubernetesClient client, ChaosSettings settings) {
    this(client, settings, new Random());
  }

  /** With the source of randomness that picks which pods a pod-kill deletes. */
  public KubernetesFaultInjector(KubernetesClient client, ChaosSettings settings, Random random) {
    this.client = client;
    this.settings = settings;
    this.random = random;
    this.routes = new VirtualServiceFaults(client);
  }

  @Override
  public Injection inject(String faultId, FaultSpec spec, Instant now) {
    return inject(faultId, spec, now, InjectOptions.NONE);
  }

  @Override
  public Injection inject(String faultId, FaultSpec requested, Instant now, InjectOptions options) {
    FaultSpec spec = FaultDefaults.apply(requested, settings);
    Injection injection =
        onCluster(
            () -> {
              TargetWorkload target = TargetWorkload.resolve(client, spec.target());
              return mechanismFor(spec.kind()) == Mechanism.CHAOS_MESH
                  ? chaosMesh(faultId, spec, target, now)
                  : nativeFault(faultId, spec, target, now, options);
            });
    log.info(
        "chaos fault {} injected ({}, {}): {}",
        faultId,
        spec.kind().wireName(),
        injection.mechanism().wireName(),
        injection.summary());
    return injection;
  }

  /**
   * The mechanism {@code kind} would be injected with now: Chaos Mesh when its custom resource
   * definition is installed and the mode allows it.
   *
   * @throws FaultRefusedException {@code chaos-mesh-missing} in mode ALWAYS when it is not
   *     installed
   * @throws ClusterUnavailableException when the definition cannot be read (other than forbidden)
   */
  public Mechanism mechanismFor(FaultKind kind) {
    if (settings.chaosMesh() == ChaosMeshMode.NEVER) {
      return Mechanism.NATIVE;
    }
    String crd = ChaosObjects.crdName(ChaosObjects.chaosMeshResource(kind));
    boolean installed;
    try {
      installed =
          client.apiextensions().v1().customResourceDefinitions().withName(crd).get() != null;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw new ClusterUnavailableException(e);
      }
      log.warn(
          "cannot read CustomResourceDefinition {} (forbidden): taking Chaos Mesh as not installed",
          crd);
      installed = false;
    }
    if (installed) {
      return Mechanism.CHAOS_MESH;
    }
    if (settings.chaosMesh() == ChaosMeshMode.ALWAYS) {
      throw new FaultRefusedException(
          FaultRefusedException.CHAOS_MESH_MISSING,
          "aegis.chaos.chaos-mesh is ALWAYS"
              + " but CustomResourceDefinition "
              + crd
              + " is not installed (or cannot be read)");
    }
    return Mechanism.NATIVE;
  }

  @Override
  public RevertOutcome revert(Injection injection) {
    RevertOutcome outcome = onCluster(() -> revertSteps(injection));
    log.info(
        "chaos fault {} reverted: undone {}, already gone {}",
        injection.faultId(),
        outcome.undone(),
        outcome.alreadyGone());
    return outcome;
  }

  private RevertOutcome revertSteps(Injection injection) {
    List<String> undone = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    for (Revert step : injection.reverts()) {
      if (step instanceof Revert.DeleteObject d) {
        String what = d.kind() + " " + d.namespace() + "/" + d.name();
        List<?> deleted =
            client
                .genericKubernetesResources(ChaosObjects.definitionOf(d.apiVersion(), d.kind()))
                .inNamespace(d.namespace())
                .withName(d.name())
                .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                .delete();
        (deleted.isEmpty() ? gone : undone).add("deleted " + what);
      } else if (step instanceof Revert.RemoveRoute r) {
        String what =
            "route " + r.routeName() + " of " + r.kind() + " " + r.namespace() + "/" + r.name();
        (routes.remove(r.namespace(), r.name(), r.routeName()) ? undone : gone)
            .add("removed " + what);
      }
    }
    return new RevertOutcome(injection.faultId(), undone, gone);
  }

  /**
   * Worked out from the spec alone: no API call, so it never throws {@link
   * ClusterUnavailableException}.
   */
  @Override
  public List<Revert> possibleReverts(String faultId, FaultSpec spec) {
    FaultTarget t = spec.target();
    String name = ChaosObjects.objectName(faultId);
    List<Revert> steps = new ArrayList<>();
    ResourceDefinitionContext mesh = ChaosObjects.chaosMeshResource(spec.kind());
    steps.add(
        new Revert.DeleteObject(
            mesh.getGroup() + "/" + mesh.getVersion(), mesh.getKind(), t.namespace(), name));
    switch (spec.kind()) {
      case POD_KILL -> {}
      case LATENCY, ABORT ->
          steps.add(removeRoute(t.namespace(), t.service(), ChaosObjects.routeName(faultId)));
      case DEPENDENCY_OUTAGE -> {
        if (spec.parameters().dependency() != null) {
          steps.add(
              removeRoute(
                  t.namespace(), spec.parameters().dependency(), ChaosObjects.routeName(faultId)));
        }
      }
      case CPU_STRESS, MEMORY_STRESS ->
          steps.add(new Revert.DeleteObject("batch/v1", "Job", t.namespace(), name));
      case NETWORK_PARTITION ->
          steps.add(
              new Revert.DeleteObject(
                  "networking.k8s.io/v1", "NetworkPolicy", t.namespace(), name));
    }
    return steps;
  }

  private Injection nativeFault(
      String faultId, FaultSpec spec, TargetWorkload target, Instant now, InjectOptions options) {
    return switch (spec.kind()) {
      case POD_KILL -> podKill(faultId, spec, target, now);
      case LATENCY, ABORT -> httpFault(faultId, spec, now, options);
      case DEPENDENCY_OUTAGE -> dependencyOutage(faultId, spec, target, now);
      case CPU_STRESS, MEMORY_STRESS -> stressJob(faultId, spec, target, now);
      case NETWORK_PARTITION -> partition(faultId, spec, target, now);
    };
  }

  private Injection podKill(String faultId, FaultSpec spec, TargetWorkload target, Instant now) {
    List<Pod> running = target.runningPods(client);
    int count = podsToKill(spec, running.size());
    List<Pod> shuffled = new ArrayList<>(running);
    Collections.shuffle(shuffled, random);
    List<String> killed = new ArrayList<>();
    for (Pod pod : shuffled.subList(0, count)) {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
      killed.add(pod.getMetadata().getName());
    }
    Collections.sort(killed);
    return injection(
        faultId,
        spec,
        Mechanism.NATIVE,
        now,
        List.of(),
        killed,
        "deleted "
            + count
            + " of "
            + running.size()
            + " running pods of "
            + describe(spec.target())
            + ": "
            + String.join(", ", killed)
            + "; their ReplicaSet replaces them");
  }

  /**
   * How many pods a pod-kill deletes: {@code ceil(share × running)}, at most {@code maxPods}, and
   * below 1 share never all of them (at most {@code running - 1}).
   */
  static int podsToKill(FaultSpec spec, int running) {
    if (running == 0) {
      throw new FaultRefusedException(
          FaultRefusedException.NO_PODS, describe(spec.target()) + " has no running pod to kill");
    }
    double share = spec.parameters().share();
    int count =
        BigDecimal.valueOf(share)
            .multiply(BigDecimal.valueOf(running))
            .setScale(0, RoundingMode.CEILING)
            .intValueExact();
    count = Math.min(count, spec.parameters().maxPods());
    if (share < 1) {
      count = Math.min(count, running - 1);
    }
    if (count == 0) {
      throw new FaultRefusedException(
          FaultRefusedException.WOULD_KILL_ALL_PODS,
          describe(spec.target())
              + " has "
              + running
              + " running pod; deleting it would delete all of them, which needs share 1");
    }
    return count;
  }

  private Injection httpFault(String faultId, FaultSpec spec, Instant now, InjectOptions options) {
    FaultTarget t = spec.target();
    Map<String, Object> main = routes.mainRoute(t.namespace(), t.service());
    if (ChaosObjects.isCanary(t) && !options.productionConsented()) {
      throw new FaultRefusedException(
          FaultRefusedException.HTTP_FAULT_NEEDS_PRODUCTION,
          "Istio applies an HTTP "
              + spec.kind().wireName()
              + " fault to a whole route, before it picks the canary or the stable "
              + "destination, so a native fault on the canary of "
              + t.namespace()
              + "/"
              + t.service()
              + " would hit production traffic on that route too; install Chaos Mesh (HTTPChaos selects the canary's"
              + " pods) or send \"production\": true with a role allowed to touch production");
    }
    String routeName = ChaosObjects.routeName(faultId);
    Map<String, Object> fault = NativeShapes.istioFault(spec.kind(), spec.parameters());
    routes.addFirst(
        t.namespace(),
        t.service(),
        VirtualServiceFaults.faultRoute(main, routeName, fault, Map.of()));
    FaultParameters p = spec.parameters();
    String requests = NativeShapes.percent(p.percent()) + "% of requests to " + t.service();
    String what =
        spec.kind() == FaultKind.LATENCY
            ? "delays " + requests + " by " + p.delayMs() + " ms"
            : "fails " + requests + " with HTTP " + p.httpStatus();
    return injection(
        faultId,
        spec,
        Mechanism.NATIVE,
        now,
        List.of(removeRoute(t.namespace(), t.service(), routeName)),
        List.of(),
        "route "
            + routeName
            + " of VirtualService "
            + t.namespace()
            + "/"
            + t.service()
            + " "
            + what
            + ", production traffic on that route included"
            + (ChaosObjects.isCanary(t)
                ? " (Istio faults are per route, not per destination)"
                : ""));
  }

  private Injection dependencyOutage(
      String faultId, FaultSpec spec, TargetWorkload target, Instant now) {
    FaultTarget t = spec.target();
    String dependency = spec.parameters().dependency();
    Map<String, Object> main = routes.mainRoute(t.namespace(), dependency);
    String routeName = ChaosObjects.routeName(faultId);
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("sourceLabels", new LinkedHashMap<>(target.matchLabels()));
    source.put("sourceNamespace", t.namespace());
    routes.addFirst(
        t.namespace(),
        dependency,
        VirtualServiceFaults.faultRoute(
            main, routeName, NativeShapes.istioFault(spec.kind(), spec.parameters()), source));
    return injection(
        faultId,
        spec,
        Mechanism.NATIVE,
        now,
        List.of(removeRoute(t.namespace(), dependency, routeName)),
        List.of(),
        "route "
            + routeName
            + " of VirtualService "
            + t.namespace()
            + "/"
            + dependency
            + " fails every request from the pods of "
            + describe(t)
            + " with HTTP "
            + spec.parameters().httpStatus());
  }

  private Injection stressJob(String faultId, FaultSpec spec, TargetWorkload target, Instant now) {
    FaultTarget t = spec.target();
    String name = ChaosObjects.objectName(faultId);
    HasMetadata job =
        create(
            NativeShapes.stressJob(
                name,
                t.namespace(),
                ChaosObjects.labels(faultId, spec),
                target.selector(),
                spec.kind(),
                spec.parameters(),
                spec.duration()));
    FaultParameters p = spec.parameters();
    String load =
        spec.kind() == FaultKind.CPU_STRESS
            ? p.workers() + " CPU worker(s) at full load"
            : p.workers() + " memory worker(s) of " + p.memory() + " each";
    return injection(
        faultId,
        spec,
        Mechanism.NATIVE,
        now,
        List.of(deleteObject(job)),
        List.of(),
        "Job "
            + t.namespace()
            + "/"
            + name
            + " runs "
            + load
            + " ("
            + p.image()
            + ") on a node of "
            + describe(t));
  }

  private Injection partition(String faultId, FaultSpec spec, TargetWorkload target, Instant now) {
    FaultTarget t = spec.target();
    String name = ChaosObjects.objectName(faultId);
    HasMetadata policy =
        create(
            NativeShapes.denyAll(
                name, t.namespace(), ChaosObjects.labels(faultId, spec), target.selector()));
    return injection(
        faultId,
        spec,
        Mechanism.NATIVE,
        now,
        List.of(deleteObject(policy)),
        List.of(),
        "NetworkPolicy "
            + t.namespace()
            + "/"
            + name
            + " denies all ingress and egress of the pods of "
            + describe(t)
            + " (where the network plugin enforces NetworkPolicies)");
  }

  private Injection chaosMesh(String faultId, FaultSpec spec, TargetWorkload target, Instant now) {
    FaultTarget t = spec.target();
    String name = ChaosObjects.objectName(faultId);
    Map<String, String> labels = ChaosObjects.labels(faultId, spec);
    FaultParameters p = spec.parameters();
    GenericKubernetesResource resource;
    String what;
    switch (spec.kind()) {
      case POD_KILL -> {
        int running = target.runningPods(client).size();
        int count = podsToKill(spec, running);
        resource = ChaosMeshShapes.podKill(name, labels, target, count, spec.duration());
        what = "kills " + count + " of " + running + " running pods of " + describe(t);
      }
      case LATENCY, ABORT -> {
        int port = target.containerPort();
        resource =
            ChaosMeshShapes.http(name, labels, target, spec.kind(), p, port, spec.duration());
        what =
            (spec.kind() == FaultKind.LATENCY
                    ? "delays requests by " + p.delayMs() + " ms"
                    : "answers requests with HTTP " + p.httpStatus())
                + " on port "
                + port
                + " of "
                + (p.percent() >= 100
                    ? "every pod"
                    : NativeShapes.percent(p.percent()) + "% of the pods")
                + " of "
                + describe(t);
      }
      case CPU_STRESS, MEMORY_STRESS -> {
        resource = ChaosMeshShapes.stress(name, labels, target, spec.kind(), p, spec.duration());
        what =
            "runs "
                + (spec.kind() == FaultKind.CPU_STRESS
                    ? p.workers() + " CPU worker(s) at full load"
                    : p.workers() + " memory worker(s) of " + p.memory() + " each")
                + " in every pod of "
                + describe(t);
      }
      case NETWORK_PARTITION -> {
        resource = ChaosMeshShapes.partition(name, labels, target, spec.duration());
        what = "partitions every pod of " + describe(t) + " from the network, both directions";
      }
      case DEPENDENCY_OUTAGE -> {
        resource =
            ChaosMeshShapes.dependencyPartition(
                name,
                labels,
                target,
                dependencyPods(t.namespace(), p.dependency()),
                spec.duration());
        what =
            "cuts the pods of "
                + describe(t)
                + " off from the pods of "
                + t.namespace()
                + "/"
                + p.dependency();
      }
      default -> throw new IllegalStateException("unhandled fault kind " + spec.kind());
    }
    ResourceDefinitionContext definition = ChaosObjects.chaosMeshResource(spec.kind());
    client
        .genericKubernetesResources(definition)
        .inNamespace(t.namespace())
        .resource(resource)
        .create();
    return injection(
        faultId,
        spec,
        Mechanism.CHAOS_MESH,
        now,
        List.of(deleteObject(resource)),
        List.of(),
        definition.getKind() + " " + t.namespace() + "/" + name + " " + what + " (Chaos Mesh)");
  }

  /**
   * The labels of a dependency's pods: its Service's selector, else its Deployment's matchLabels.
   */
  private Map<String, String> dependencyPods(String namespace, String dependency) {
    Service service = client.services().inNamespace(namespace).withName(dependency).get();
    if (service != null
        && service.getSpec() != null
        && service.getSpec().getSelector() != null
        && !service.getSpec().getSelector().isEmpty()) {
      return service.getSpec().getSelector();
    }
    Deployment deployment =
        client.apps().deployments().inNamespace(namespace).withName(dependency).get();
    if (deployment != null
        && deployment.getSpec().getSelector() != null
        && deployment.getSpec().getSelector().getMatchLabels() != null) {
      return deployment.getSpec().getSelector().getMatchLabels();
    }
    throw new FaultRefusedException(
        FaultRefusedException.NO_SUCH_WORKLOAD,
        "dependency "
            + namespace
            + "/"
            + dependency
            + " has neither a Service with a selector nor a Deployment");
  }

  /** Runs calls to the API; the client's failures leave as {@link ClusterUnavailableException}. */
  private static <T> T onCluster(Supplier<T> calls) {
    try {
      return calls.get();
    } catch (KubernetesClientException e) {
      throw new ClusterUnavailableException(e);
    }
  }

  private <T extends HasMetadata> T create(T object) {
    return client.resource(object).create();
  }

  private static Revert deleteObject(HasMetadata object) {
    return new Revert.DeleteObject(
        object.getApiVersion(),
        object.getKind(),
        object.getMetadata().getNamespace(),
        object.getMetadata().getName());
  }

  private static Revert removeRoute(String namespace, String name, String routeName) {
    return new Revert.RemoveRoute(
        ChaosObjects.VIRTUAL_SERVICE.getGroup() + "/" + ChaosObjects.VIRTUAL_SERVICE.getVersion(),
        ChaosObjects.VIRTUAL_SERVICE.getKind(),
        namespace,
        name,
        routeName);
  }

  private static Injection injection(
      String faultId,
      FaultSpec spec,
      Mechanism mechanism,
      Instant now,
      List<Revert> reverts,
      List<String> pods,
      String summary) {
    return new Injection(
        faultId, spec, mechanism, now, now.plus(spec.duration()), reverts, pods, summary);
  }
}
