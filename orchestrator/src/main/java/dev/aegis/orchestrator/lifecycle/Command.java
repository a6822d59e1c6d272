package dev.aegis.orchestrator.lifecycle;

/**
 * An effect on the world that a decision asks for. Commands go to the outbox in the same transaction
 * as the decision and are carried out afterwards; each has an id that is deterministic (experiment,
 * revision, position), so re-running one after a crash can be recognised and changes nothing twice.
 */
public sealed interface Command
    permits Command.SetTrafficWeight, Command.PromoteCandidate, Command.RollBackCandidate,
        Command.QuarantineCandidate {

  String id();

  String experimentId();

  String service();

  String namespace();

  Candidate candidate();

  /** A stable name for the command's kind, stored with it in the outbox. */
  default String kind() {
    return getClass().getSimpleName();
  }

  /** Route {@code weight} percent of the service's traffic to the candidate. */
  record SetTrafficWeight(String id, String experimentId, String service, String namespace,
      Candidate candidate, int weight) implements Command {}

  /** Make the candidate the stable version (V2) and return traffic to 100% stable. */
  record PromoteCandidate(String id, String experimentId, String service, String namespace,
      Candidate candidate) implements Command {}

  /** Return all traffic to the stable version and scale the candidate down. */
  record RollBackCandidate(String id, String experimentId, String service, String namespace,
      Candidate candidate, String reason) implements Command {}

  /** Mark the candidate's workload as V3 (quarantined) and link it to its RCA. */
  record QuarantineCandidate(String id, String experimentId, String service, String namespace,
      Candidate candidate, String rcaId) implements Command {}
}
