package dev.aegis.operators.actuation;

import static dev.aegis.operators.actuation.AegisMetadata.ROLLBACK_VERSION;
import static dev.aegis.operators.actuation.AegisMetadata.TOTAL_REPLICAS;
import static dev.aegis.operators.actuation.AegisMetadata.VERSION;

import dev.aegis.operators.actuation.ActuationCommand.PromoteCandidate;
import dev.aegis.operators.actuation.ActuationCommand.QuarantineCandidate;
import dev.aegis.operators.actuation.ActuationCommand.RollBackCandidate;
import dev.aegis.operators.actuation.ActuationCommand.RollBackProduction;
import dev.aegis.operators.actuation.ActuationCommand.ScaleStable;
import dev.aegis.operators.actuation.ActuationCommand.SetTrafficWeight;
import dev.aegis.operators.routing.CanarySplit;
import dev.aegis.operators.routing.ObjectEdit;
import dev.aegis.operators.routing.TrafficRouter;
import dev.aegis.operators.routing.UnsatisfiableEditException;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.ServiceResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@link ActuationCommand}s on a cluster through a fabric8 {@link KubernetesClient}:
 * the canary workload {@code <service>-canary} derived from the stable Deployment {@code
 * <service>}, the traffic split through the chosen router, promotion with a remembered rollback
 * target, rollback, quarantine (V3) and scaling. docs/kubernetes.md describes the shapes on the
 * cluster.
 *
 * <p>Each command first reads what it needs and collects its changes as {@link ObjectEdit}s, then
 * writes each object once, in an order that leaves a safe state if it stops half-way (new capacity
 * before traffic, traffic back to stable before the canary goes), and marks every object it writes
 * with the command id. A command whose id every object already carries is answered {@code
 * Applied(alreadyApplied=true)} without a single write.
 *
 * <p>It never throws: a stable Deployment that does not exist, a missing routing object, an invalid
 * or forbidden change are {@link ActuationResult.Rejected}; server errors, timeouts and lost
 * connections are {@link ActuationResult.Deferred}. It does not retry; wrap it in {@link
 * ResilientActuator}, and build the client with {@code requestRetryBackoffLimit(0)} so that retries
 * are counted and bounded in one place.
 */
public final class KubernetesActuator implements Actuator {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesActuator.class);

  private final KubernetesClient client;
  private final RouterSelection routers;
  private final CanaryWorkload workload;
  private final EditWriter writer;

  public KubernetesActuator(KubernetesClient client) {
    this.client = client;
    this.routers = new RouterSelection(client);
    this.workload = new CanaryWorkload(client.getKubernetesSerialization());
    this.writer = new EditWriter(client.getKubernetesSerialization());
  }

  /** What a command will do: a sentence for the audit trail, and its edits in write order. */
  private record Plan(String summary, List<ObjectEdit<?>> edits) {}

  @Override
  public ActuationResult apply(ActuationCommand command) {
    return apply(command, () -> true);
  }

  @Override
  public ActuationResult apply(ActuationCommand command, BooleanSupplier mayWrite) {
    return LogContext.of(command, () -> applyLogged(command, mayWrite));
  }

  private ActuationResult applyLogged(ActuationCommand command, BooleanSupplier mayWrite) {
    try {
      Plan plan = plan(command);
      EditWriter.Report report = writer.write(command.id(), plan.edits(), mayWrite);
      if (report.alreadyApplied()) {
        LOG.info("{} already applied", command.getClass().getSimpleName());
        return new ActuationResult.Applied(
            command.id(),
            true,
            plan.summary()
                + "; already applied, found on "
                + String.join(", ", report.alreadyMarked()));
      }
      LOG.info("{} applied: {}", command.getClass().getSimpleName(), plan.summary());
      String wrote =
          report.written().isEmpty()
              ? "nothing to change"
              : "wrote " + String.join(", ", report.written());
      return new ActuationResult.Applied(command.id(), false, plan.summary() + "; " + wrote);
    } catch (LeaseLostException e) {
      LOG.warn("{} stopped: {}", command.getClass().getSimpleName(), e.getMessage());
      return new ActuationResult.Deferred(command.id(), e.getMessage());
    } catch (UnsatisfiableEditException e) {
      LOG.warn("{} rejected: {}", command.getClass().getSimpleName(), e.getMessage());
      return new ActuationResult.Rejected(command.id(), e.getMessage());
    } catch (KubernetesClientException e) {
      ActuationResult result = ApiFailures.classify(command.id(), e);
      LOG.warn("{} not applied: {}", command.getClass().getSimpleName(), result);
      return result;
    } catch (RuntimeException e) {
      LOG.error("{} failed unexpectedly", command.getClass().getSimpleName(), e);
      return new ActuationResult.Rejected(command.id(), "unexpected failure: " + e);
    }
  }

  private Plan plan(ActuationCommand command) {
    if (command instanceof SetTrafficWeight c) {
      return setTrafficWeight(c);
    } else if (command instanceof PromoteCandidate c) {
      return promote(c);
    } else if (command instanceof RollBackCandidate c) {
      return rollBackCandidate(c);
    } else if (command instanceof QuarantineCandidate c) {
      return quarantine(c);
    } else if (command instanceof RollBackProduction c) {
      return rollBackProduction(c);
    } else if (command instanceof ScaleStable c) {
      return scaleStable(c);
    }
    throw new IllegalArgumentException("unknown command " + command);
  }

  private Plan setTrafficWeight(SetTrafficWeight c) {
    if (c.weight() < 0 || c.weight() > 100) {
      throw new UnsatisfiableEditException(
          "canary weight must be within 0..100, was " + c.weight());
    }
    Deployment stable = stable(c);
    TrafficRouter router = routers.select(c.router(), c.namespace(), c.service());
    Deployment canary = canary(c);
    CanarySplit split =
        new CanarySplit(
            c.namespace(),
            c.service(),
            c.weight(),
            totalReplicas(stable, canary, c.candidateVersion()));
    int replicas = router.canaryReplicas(split);
    List<ObjectEdit<?>> edits = new ArrayList<>();
    Service stableService = router.routesToCanaryService() ? stableService(c, router) : null;
    Map<String, String> podLabels =
        stableService == null ? Map.of() : CanaryWorkload.isolatingLabels(stable, stableService);
    edits.add(
        ObjectEdit.createOrUpdate(
            "Deployment",
            c.namespace(),
            split.canaryService(),
            deployments(c),
            () ->
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName(split.canaryService())
                    .withNamespace(c.namespace())
                    .endMetadata()
                    .build(),
            d ->
                workload.shapeCanary(
                    d,
                    stable,
                    podLabels,
                    c.service(),
                    c.candidateVersion(),
                    c.candidateImage(),
                    replicas,
                    split.totalReplicas())));
    if (stableService != null) {
      edits.add(
          ObjectEdit.createOrUpdate(
              "Service",
              c.namespace(),
              split.canaryService(),
              client.services().inNamespace(c.namespace()),
              () ->
                  new ServiceBuilder()
                      .withNewMetadata()
                      .withName(split.canaryService())
                      .withNamespace(c.namespace())
                      .endMetadata()
                      .build(),
              s -> workload.shapeCanaryService(s, stableService, c.service())));
    }
    edits.addAll(router.route(split));
    return new Plan(
        "canary "
            + c.candidateVersion()
            + " at "
            + c.weight()
            + "% ("
            + replicas
            + " replicas), stable at "
            + split.stableWeight()
            + "%, via "
            + router.describe(),
        edits);
  }

  private Plan promote(PromoteCandidate c) {
    Deployment stable = stable(c);
    TrafficRouter router = routers.select(c.router(), c.namespace(), c.service());
    Deployment canary = canary(c);
    PodTemplateSpec candidate =
        workload.candidateTemplate(
            stable, canary, c.service(), c.candidateVersion(), c.candidateImage());
    List<ObjectEdit<?>> edits = new ArrayList<>();
    edits.add(
        ObjectEdit.ofExisting(
            "Deployment",
            c.namespace(),
            c.service(),
            deployments(c),
            missingStable(c),
            d -> workload.promote(d, candidate, c.candidateVersion(), c.service())));
    edits.addAll(allTrafficToStable(c, router, stable, canary, c.candidateVersion()));
    return new Plan(
        "promoted "
            + c.candidateVersion()
            + " to Deployment "
            + c.service()
            + " (previous template kept as rollback target), 100% stable via "
            + router.describe()
            + ", canary scaled to 0",
        edits);
  }

  private Plan rollBackCandidate(RollBackCandidate c) {
    if (canary(c) == null && deployments(c).withName(c.service()).get() == null) {
      // The first traffic shift never happened (no stable workload to split from): no traffic to
      // return.
      return new Plan(
          "nothing to roll back: neither Deployment "
              + c.namespace()
              + "/"
              + c.service()
              + " nor a canary of "
              + c.candidateVersion()
              + " exists",
          List.of());
    }
    Deployment stable = stable(c);
    TrafficRouter router = routers.select(c.router(), c.namespace(), c.service());
    Deployment canary = candidateCanary(c, c.candidateVersion());
    return new Plan(
        "rolled back "
            + c.candidateVersion()
            + " ("
            + c.reason()
            + "): 100% stable via "
            + router.describe()
            + ", canary scaled to 0",
        allTrafficToStable(c, router, stable, canary, c.candidateVersion()));
  }

  private Plan quarantine(QuarantineCandidate c) {
    Deployment stable = stable(c);
    TrafficRouter router = routers.select(c.router(), c.namespace(), c.service());
    Deployment canary = candidateCanary(c, c.candidateVersion());
    CanarySplit split =
        new CanarySplit(
            c.namespace(), c.service(), 0, totalReplicas(stable, canary, c.candidateVersion()));
    List<ObjectEdit<?>> edits = new ArrayList<>(router.route(split));
    if (canary == null) {
      return new Plan(
          "quarantined "
              + c.candidateVersion()
              + " (RCA "
              + c.rcaId()
              + "): 100% stable; no canary workload left to quarantine",
          edits);
    }
    boolean keep = c.shape() == QuarantineShape.KEEP_ISOLATED;
    if (keep) {
      String policy = split.canaryService() + "-quarantine";
      edits.add(
          ObjectEdit.createOrUpdate(
              "NetworkPolicy",
              c.namespace(),
              policy,
              client.network().v1().networkPolicies().inNamespace(c.namespace()),
              () ->
                  new NetworkPolicyBuilder()
                      .withNewMetadata()
                      .withName(policy)
                      .withNamespace(c.namespace())
                      .endMetadata()
                      .build(),
              p -> workload.shapeQuarantinePolicy(p, c)));
    }
    Map<String, String> podLabels =
        keep && !router.routesToCanaryService()
            ? CanaryWorkload.isolatingLabels(stable, services(c).withName(c.service()).get())
            : Map.of();
    edits.add(
        ObjectEdit.ofExisting(
            "Deployment",
            c.namespace(),
            split.canaryService(),
            deployments(c),
            "Deployment " + c.namespace() + "/" + split.canaryService() + " disappeared",
            d -> workload.quarantine(d, c, podLabels)));
    return new Plan(
        "quarantined "
            + c.candidateVersion()
            + " (RCA "
            + c.rcaId()
            + "): 100% stable via "
            + router.describe()
            + ", canary "
            + (keep
                ? "kept at 1 replica, isolated by NetworkPolicy "
                    + split.canaryService()
                    + "-quarantine"
                : "scaled to 0"),
        edits);
  }

  private Plan rollBackProduction(RollBackProduction c) {
    Deployment stable = stable(c);
    String target = CanaryWorkload.annotation(stable, ROLLBACK_VERSION);
    return new Plan(
        "rolled production back to "
            + (target == null ? "the remembered template" : target)
            + " ("
            + c.reason()
            + ")",
        List.of(
            ObjectEdit.ofExisting(
                "Deployment",
                c.namespace(),
                c.service(),
                deployments(c),
                missingStable(c),
                workload::rollBack)));
  }

  private Plan scaleStable(ScaleStable c) {
    if (c.minReplicas() < 0 || c.minReplicas() > c.maxReplicas()) {
      throw new UnsatisfiableEditException(
          "replica bounds [" + c.minReplicas() + ", " + c.maxReplicas() + "] are not a range");
    }
    stable(c);
    int replicas = Math.max(c.minReplicas(), Math.min(c.maxReplicas(), c.replicas()));
    return new Plan(
        "scaled Deployment "
            + c.service()
            + " to "
            + replicas
            + " replicas (asked "
            + c.replicas()
            + ", bounds ["
            + c.minReplicas()
            + ", "
            + c.maxReplicas()
            + "])",
        List.of(
            ObjectEdit.ofExisting(
                "Deployment",
                c.namespace(),
                c.service(),
                deployments(c),
                missingStable(c),
                d -> {
                  d.getSpec().setReplicas(replicas);
                  return d;
                })));
  }

  /**
   * Traffic back to 100% stable (and, by replica ratio, the stable replicas back to the total),
   * then the canary to 0.
   */
  private List<ObjectEdit<?>> allTrafficToStable(
      ActuationCommand c,
      TrafficRouter router,
      Deployment stable,
      Deployment canary,
      String version) {
    CanarySplit split =
        new CanarySplit(c.namespace(), c.service(), 0, totalReplicas(stable, canary, version));
    List<ObjectEdit<?>> edits = new ArrayList<>(router.route(split));
    if (canary != null) {
      edits.add(
          ObjectEdit.ofExisting(
              "Deployment",
              c.namespace(),
              split.canaryService(),
              deployments(c),
              "Deployment " + c.namespace() + "/" + split.canaryService() + " disappeared",
              d -> {
                d.getSpec().setReplicas(0);
                return d;
              }));
    }
    return edits;
  }

  /**
   * The replica count the experiment divides: recorded on the canary when it was made for this
   * version, else the stable Deployment's current count (the experiment has not taken any yet).
   */
  private static int totalReplicas(Deployment stable, Deployment canary, String version) {
    if (canary != null && version.equals(CanaryWorkload.annotation(canary, VERSION))) {
      String recorded = CanaryWorkload.annotation(canary, TOTAL_REPLICAS);
      if (recorded != null && recorded.matches("\\d+")) {
        return Integer.parseInt(recorded);
      }
    }
    return CanaryWorkload.replicasOf(stable);
  }

  private Deployment stable(ActuationCommand c) {
    Deployment stable = deployments(c).withName(c.service()).get();
    if (stable == null) {
      throw new UnsatisfiableEditException(missingStable(c));
    }
    return stable;
  }

  private Deployment canary(ActuationCommand c) {
    return deployments(c).withName(CanarySplit.canaryName(c.service())).get();
  }

  /**
   * The canary, if any, after checking it runs the candidate the command is about (not a later
   * one).
   */
  private Deployment candidateCanary(ActuationCommand c, String version) {
    Deployment canary = canary(c);
    String running = canary == null ? null : CanaryWorkload.annotation(canary, VERSION);
    if (running != null && !running.equals(version)) {
      throw new UnsatisfiableEditException(
          "Deployment "
              + c.namespace()
              + "/"
              + CanarySplit.canaryName(c.service())
              + " runs version "
              + running
              + ", not "
              + version
              + "; leaving it alone");
    }
    return canary;
  }

  private Service stableService(ActuationCommand c, TrafficRouter router) {
    Service service = services(c).withName(c.service()).get();
    if (service == null) {
      throw new UnsatisfiableEditException(
          "Service "
              + c.namespace()
              + "/"
              + c.service()
              + " not found: "
              + router.describe()
              + " routes to Services, so the stable workload needs one");
    }
    return service;
  }

  private static String missingStable(ActuationCommand c) {
    return "Deployment "
        + c.namespace()
        + "/"
        + c.service()
        + " not found: the stable workload must exist";
  }

  private NonNamespaceOperation<Deployment, DeploymentList, RollableScalableResource<Deployment>>
      deployments(ActuationCommand c) {
    return client.apps().deployments().inNamespace(c.namespace());
  }

  private NonNamespaceOperation<Service, ServiceList, ServiceResource<Service>> services(
      ActuationCommand c) {
    return client.services().inNamespace(c.namespace());
  }
}
