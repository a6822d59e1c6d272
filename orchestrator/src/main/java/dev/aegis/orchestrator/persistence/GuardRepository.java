package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import dev.aegis.orchestrator.production.guard.GuardState;
import java.time.Instant;

/**
 * The production guard's state per service, by (namespace, service) (table {@code
 * production_guards}).
 */
public final class GuardRepository {

  /**
   * The service's guard state, locked until the transaction ends; {@link GuardState#CALM} when
   * none.
   */
  public GuardState findForUpdate(Tx h, String namespace, String service) {
    return h.createQuery(
            "SELECT state::text FROM production_guards WHERE namespace = :namespace "
                + "AND service = :service FOR UPDATE")
        .bind("namespace", namespace)
        .bind("service", service)
        .mapTo(String.class)
        .findOne()
        .map(json -> StateJson.read(json, GuardState.class))
        .orElse(GuardState.CALM);
  }

  public void save(Tx h, String namespace, String service, GuardState state, Instant now) {
    h.createUpdate(
            "INSERT INTO production_guards (namespace, service, state, updated_at) "
                + "VALUES (:namespace, :service, :state::jsonb, :now) ON CONFLICT (namespace, service) "
                + "DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at")
        .bind("namespace", namespace)
        .bind("service", service)
        .bind("state", StateJson.write(state))
        .bind("now", ts(now))
        .execute();
  }
}
