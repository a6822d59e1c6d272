package dev.aegis.orchestrator.lifecycle;

/**
 * An effect on the world that Aegis asks for. Commands go to the outbox in the same transaction as
 * the change that calls for them and are carried out afterwards; each has a deterministic id, so
 * re-running one after a crash can be recognised and changes nothing twice.
 *
 * <p>Two families: {@link ForExperiment} commands come from the lifecycle core's decisions and
 * report back to their experiment; {@link ForService} commands act on a service's production (V2)
 * workload, asked for by a human or the production guard. Every consumer dispatches through {@link
 * Visitor}, so adding a command is a compile error everywhere it must be handled.
 */
public sealed interface Command permits Command.ForExperiment, Command.ForService {

  String id();

  String service();

  String namespace();

  CommandKind kind();

  <R> R accept(Visitor<R> visitor);

  /** One handler per kind of command. */
  interface Visitor<R> {
    R setTrafficWeight(SetTrafficWeight command);

    R promoteCandidate(PromoteCandidate command);

    R rollBackCandidate(RollBackCandidate command);

    R quarantineCandidate(QuarantineCandidate command);

    R rollBackProduction(RollBackProduction command);

    R scaleStable(ScaleStable command);
  }

  /** A command a lifecycle decision asks for; its result is reported to the experiment. */
  sealed interface ForExperiment extends Command
      permits SetTrafficWeight, PromoteCandidate, RollBackCandidate, QuarantineCandidate {
    String experimentId();

    Candidate candidate();
  }

  /** A command on a service's production workload; its result goes to the audit log. */
  sealed interface ForService extends Command permits RollBackProduction, ScaleStable {}

  /** Route {@code weight} percent of the service's traffic to the candidate. */
  record SetTrafficWeight(
      String id,
      String experimentId,
      String service,
      String namespace,
      Candidate candidate,
      int weight)
      implements ForExperiment {
    @Override
    public CommandKind kind() {
      return CommandKind.SET_TRAFFIC_WEIGHT;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.setTrafficWeight(this);
    }
  }

  /** Make the candidate the stable version (V2) and return traffic to 100% stable. */
  record PromoteCandidate(
      String id, String experimentId, String service, String namespace, Candidate candidate)
      implements ForExperiment {
    @Override
    public CommandKind kind() {
      return CommandKind.PROMOTE_CANDIDATE;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.promoteCandidate(this);
    }
  }

  /** Return all traffic to the stable version and scale the candidate down. */
  record RollBackCandidate(
      String id,
      String experimentId,
      String service,
      String namespace,
      Candidate candidate,
      String reason)
      implements ForExperiment {
    @Override
    public CommandKind kind() {
      return CommandKind.ROLL_BACK_CANDIDATE;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.rollBackCandidate(this);
    }
  }

  /** Mark the candidate's workload as V3 (quarantined) and link it to its RCA. */
  record QuarantineCandidate(
      String id,
      String experimentId,
      String service,
      String namespace,
      Candidate candidate,
      String rcaId)
      implements ForExperiment {
    @Override
    public CommandKind kind() {
      return CommandKind.QUARANTINE_CANDIDATE;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.quarantineCandidate(this);
    }
  }

  /**
   * Return production to the previous V2 (the pod template remembered at the last promotion),
   * without re-running analysis.
   *
   * @param fromVersion the V2 version being rolled back
   * @param toVersion the version production returns to
   */
  record RollBackProduction(
      String id,
      String service,
      String namespace,
      String fromVersion,
      String toVersion,
      String reason)
      implements ForService {
    @Override
    public CommandKind kind() {
      return CommandKind.ROLL_BACK_PRODUCTION;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.rollBackProduction(this);
    }
  }

  /**
   * Scale the stable Deployment to {@code replicas}, kept within [{@code minReplicas}, {@code
   * maxReplicas}].
   */
  record ScaleStable(
      String id,
      String service,
      String namespace,
      int replicas,
      int minReplicas,
      int maxReplicas,
      String reason)
      implements ForService {
    @Override
    public CommandKind kind() {
      return CommandKind.SCALE_STABLE;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.scaleStable(this);
    }
  }
}
