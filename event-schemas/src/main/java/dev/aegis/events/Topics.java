package dev.aegis.events;

import java.util.List;

/** Names of the Kafka topics in the Aegis event contract. */
public final class Topics {

  /** Health windows from monitors and the workload simulator; key = service. */
  public static final String HEALTH = "aegis.health";

  /** Experiment submissions; key = service. */
  public static final String EXPERIMENTS = "aegis.experiments";

  /** Chaos faults injected and cleared; key = service. */
  public static final String CHAOS = "aegis.chaos";

  /** Lifecycle transitions published by the orchestrator; key = experiment id. */
  public static final String LIFECYCLE = "aegis.lifecycle";

  /** RCA records published by the orchestrator; key = experiment id. */
  public static final String RCA = "aegis.rca";

  /**
   * Dead letters: the original record unchanged (key, value, headers) plus the {@link
   * DeadLetterHeaders}.
   */
  public static final String DLQ = "aegis.dlq";

  /** The topics the orchestrator consumes as input: health windows, submissions, chaos faults. */
  public static final List<String> INPUTS = List.of(HEALTH, EXPERIMENTS, CHAOS);

  /** Every topic above, inputs first. */
  public static final List<String> ALL = List.of(HEALTH, EXPERIMENTS, CHAOS, LIFECYCLE, RCA, DLQ);

  private Topics() {}
}
