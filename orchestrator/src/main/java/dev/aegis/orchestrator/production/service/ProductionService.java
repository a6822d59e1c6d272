package dev.aegis.orchestrator.production.service;

import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxMessage;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository.ManagedService;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Commands on a service's production (V2) workload: the fast rollback to the previous V2 without
 * re-running analysis (what Argo calls a rollback window), and scaling within bounds. Each is
 * written to the outbox in the same transaction as its audit entry and carried out by the actuation
 * relay, in order with the service's other commands.
 */
public class ProductionService {

  /** Default bounds of {@link #scale}: never below one replica, never above the ceiling. */
  public static final int DEFAULT_MIN_REPLICAS = 1;

  public static final int DEFAULT_MAX_REPLICAS = 20;

  /** What became of a request. */
  public sealed interface Outcome {
    record Accepted(String commandId, ManagedService service) implements Outcome {}

    record NotFound(String service) implements Outcome {}

    /**
     * Refused as it stands; {@code code} is stable and kebab-case, {@code field} names the input at
     * fault or null.
     */
    record Refused(String code, String message, String field) implements Outcome {}
  }

  private final Transactions transactions;
  private final ServiceRepository services;
  private final ExperimentRepository experiments;
  private final OutboxRepository outbox;
  private final AuditRepository audit;
  private final Clock clock;

  public ProductionService(
      Transactions transactions,
      ServiceRepository services,
      ExperimentRepository experiments,
      OutboxRepository outbox,
      AuditRepository audit,
      Clock clock) {
    this.transactions = transactions;
    this.services = services;
    this.experiments = experiments;
    this.outbox = outbox;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Rolls production back to the previous V2. Refused while an experiment holds the service (its
   * own rollback comes first) and before Aegis promoted anything. The cluster keeps the target (the
   * pod template remembered at the last promotion, even when the version before Aegis is unknown to
   * it) and rejects a rollback whose target was already used; the audit log records that outcome.
   */
  public Outcome rollBack(
      String namespace, String name, String actor, String reason, String idempotencyKey) {
    return transactions.inTransaction(
        h -> rollBack(h, namespace, name, actor, reason, idempotencyKey));
  }

  /** As {@link #rollBack(String, String, String, String, String)}, in the caller's transaction. */
  public Outcome rollBack(
      Tx h, String namespace, String name, String actor, String reason, String idempotencyKey) {
    if (reason == null || reason.isBlank()) {
      return new Outcome.Refused(
          "reason-required", "a reason is required to roll production back", "reason");
    }
    var service = services.findForUpdate(h, namespace, name);
    if (service.isEmpty()) {
      return new Outcome.NotFound(name);
    }
    ManagedService s = service.get();
    var live = experiments.findLiveForUpdate(h, namespace, name);
    if (live.isPresent()) {
      return new Outcome.Refused(
          "service-held",
          "experiment "
              + live.get().experiment().id()
              + " ("
              + live.get().experiment().phase()
              + ") holds service "
              + name
              + "; abort it first",
          null);
    }
    if (s.productionVersion() == null) {
      return new Outcome.Refused(
          "no-rollback-target",
          "service " + name + " has no V2 promoted by Aegis, so " + "there is nothing to roll back",
          null);
    }
    Instant now = clock.instant();
    String id = commandId(namespace, name, "rollback", idempotencyKey);
    String target =
        s.previousProductionVersion() != null
            ? s.previousProductionVersion()
            : "the version before " + s.productionVersion();
    var command =
        new Command.RollBackProduction(
            id, name, s.namespace(), s.productionVersion(), target, reason);
    if (!enqueue(h, command, now)) {
      return new Outcome.Accepted(id, s);
    }
    services.rollBackProduction(h, namespace, name, now);
    audit.record(
        h,
        actor,
        "service.rollback",
        name,
        Map.of(
            "namespace",
            namespace,
            "from",
            s.productionVersion(),
            "to",
            target,
            "reason",
            reason,
            "command",
            id),
        now);
    return new Outcome.Accepted(id, services.find(h, namespace, name).orElseThrow());
  }

  /**
   * Scales the stable Deployment to {@code replicas}, kept within [min, max] (defaults {@value
   * #DEFAULT_MIN_REPLICAS} and {@value #DEFAULT_MAX_REPLICAS}).
   */
  public Outcome scale(
      String namespace,
      String name,
      Integer replicas,
      Integer minReplicas,
      Integer maxReplicas,
      String actor,
      String reason,
      String idempotencyKey) {
    int min = minReplicas == null ? DEFAULT_MIN_REPLICAS : minReplicas;
    int max = maxReplicas == null ? DEFAULT_MAX_REPLICAS : maxReplicas;
    if (replicas == null || replicas < 0) {
      return new Outcome.Refused("invalid-replicas", "replicas must be a number >= 0", "replicas");
    }
    if (min < 0 || max < min) {
      return new Outcome.Refused(
          "invalid-bounds",
          "need 0 <= minReplicas <= maxReplicas, got [" + min + ", " + max + "]",
          max < min ? "maxReplicas" : "minReplicas");
    }
    return transactions.inTransaction(
        h -> scale(h, namespace, name, replicas, min, max, actor, reason, idempotencyKey));
  }

  /** As {@link #scale}, in the caller's transaction, with bounds already checked. */
  public Outcome scale(
      Tx h,
      String namespace,
      String name,
      int replicas,
      int min,
      int max,
      String actor,
      String reason,
      String idempotencyKey) {
    var service = services.find(h, namespace, name);
    if (service.isEmpty()) {
      return new Outcome.NotFound(name);
    }
    Instant now = clock.instant();
    String id = commandId(namespace, name, "scale", idempotencyKey);
    var command =
        new Command.ScaleStable(id, name, service.get().namespace(), replicas, min, max, reason);
    if (enqueue(h, command, now)) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("namespace", namespace);
      detail.put("replicas", replicas);
      detail.put("min", min);
      detail.put("max", max);
      detail.put("reason", reason == null ? "" : reason);
      detail.put("command", id);
      audit.record(h, actor, "service.scale", name, detail, now);
    }
    return new Outcome.Accepted(id, service.get());
  }

  /** Adds the command unless one with its id exists; returns whether it was new. */
  private boolean enqueue(Tx h, Command.ForService command, Instant now) {
    int before = outbox.countById(h, command.id());
    outbox.add(h, new OutboxMessage.Actuation(command), now);
    return before == 0;
  }

  /** Deterministic under an idempotency key, so a retried request never commands twice. */
  private static String commandId(
      String namespace, String service, String kind, String idempotencyKey) {
    String suffix =
        idempotencyKey == null
            ? UUID.randomUUID().toString()
            : UUID.nameUUIDFromBytes(
                    (namespace + "/" + service + "/" + kind + "/" + idempotencyKey)
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
    return "service:" + service + ":" + kind + ":" + suffix;
  }
}
