package dev.aegis.orchestrator.lifecycle;

import dev.aegis.orchestrator.judgment.ActiveFault;
import dev.aegis.orchestrator.judgment.HealthWindow;
import java.util.List;

/**
 * Everything that can happen to an experiment. Java 17 has no pattern matching over sealed types in
 * switch, so the core dispatches through {@link Visitor}, whose methods the compiler forces every
 * handler to implement.
 */
public sealed interface LifecycleInput
    permits LifecycleInput.Submit,
        LifecycleInput.Dequeue,
        LifecycleInput.Observe,
        LifecycleInput.Manual,
        LifecycleInput.CheckSilence,
        LifecycleInput.ActuationReport,
        LifecycleInput.ProductionBreach {

  <R> R accept(Visitor<R> visitor);

  /** One handler per kind of input. */
  interface Visitor<R> {
    R submit(Submit submit);

    R dequeue(Dequeue dequeue);

    R observe(Observe observe);

    R manual(Manual manual);

    R checkSilence(CheckSilence check);

    R actuationReport(ActuationReport report);

    R productionBreach(ProductionBreach breach);
  }

  /**
   * The first decision on a new experiment.
   *
   * @param heldBy id of the experiment that holds the service now, or null when it is free
   */
  record Submit(String heldBy) implements LifecycleInput {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.submit(this);
    }
  }

  /** The service freed and this experiment is the oldest queued for it. */
  record Dequeue() implements LifecycleInput {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.dequeue(this);
    }
  }

  /**
   * A health window of the experiment's service: the canary's counts toward the step; the
   * baseline's or stable's is kept as comparison evidence.
   *
   * @param faults chaos faults the edge knows to be active on the service around the window; the
   *     core keeps those on the window's track that overlap it (empty when none or unknown)
   */
  record Observe(HealthWindow window, List<ActiveFault> faults) implements LifecycleInput {
    public Observe {
      faults = faults == null ? List.of() : List.copyOf(faults);
    }

    /** A window observed with no chaos fault active. */
    public Observe(HealthWindow window) {
      this(window, List.of());
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.observe(this);
    }
  }

  /** A human's command, with who and why. */
  record Manual(ManualAction action, String actor, String reason) implements LifecycleInput {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.manual(this);
    }
  }

  /**
   * The wall-clock timer: flag a step that has heard no health window for the policy's maxSilence.
   */
  record CheckSilence() implements LifecycleInput {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.checkSilence(this);
    }
  }

  /**
   * What the cluster made of one of the experiment's commands.
   *
   * @param commandId the command's id (see {@link Command#id()})
   * @param commandKind the command's kind (see {@link Command#kind()})
   * @param detail what was done, or why it failed
   */
  record ActuationReport(
      String commandId, String commandKind, ActuationOutcome outcome, String detail)
      implements LifecycleInput {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.actuationReport(this);
    }
  }

  /**
   * The promoted version breached its production SLO and production was rolled back to the previous
   * V2 (the production guard's decision, with its evidence).
   *
   * @param check the breached check's name ({@link Check#ERROR_RATE}, {@link Check#P95_LATENCY},
   *     {@link Check#SLO_BURN_RATE}, …)
   * @param sustainedSeconds how long, on event time, the breach lasted
   * @param summary one plain sentence: what was seen and what was done
   */
  record ProductionBreach(
      String check, double observed, double threshold, long sustainedSeconds, String summary)
      implements LifecycleInput {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.productionBreach(this);
    }
  }

  /** How a command ended on the cluster. */
  enum ActuationOutcome {
    /** The cluster has the command's effect. */
    APPLIED,
    /** The command cannot succeed as it stands (missing workload, invalid, forbidden). */
    REJECTED,
    /**
     * The command could not be applied now (API down, breaker open); it stays pending and is
     * retried.
     */
    DEFERRED
  }

  /** What a human can ask for. */
  enum ManualAction {
    PROMOTE(Trigger.PROMOTE),
    ABORT(Trigger.ABORT),
    PAUSE(Trigger.PAUSE),
    RESUME(Trigger.RESUME),
    RELEASE(Trigger.RELEASE);

    private final Trigger trigger;

    ManualAction(Trigger trigger) {
      this.trigger = trigger;
    }

    public Trigger trigger() {
      return trigger;
    }
  }
}
