package dev.aegis.orchestrator.actuation;

import dev.aegis.operators.actuation.ActuationCommand;
import dev.aegis.operators.actuation.QuarantineShape;
import dev.aegis.operators.actuation.RouterKind;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.lifecycle.CommandKind;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.StateJson;

/**
 * Turns a command, as stored in the outbox, into the cluster command the actuation port carries
 * out, adding what the core does not know: how the service's traffic is routed and what shape a
 * quarantined candidate is left in (both chosen at submission).
 */
final class CommandMapper {

  private CommandMapper() {}

  /** Reads an outbox payload back into the command of kind {@code type} (the row's wire name). */
  static Command read(String type, String payload) {
    CommandKind kind =
        CommandKind.ofWire(type)
            .orElseThrow(() -> new IllegalArgumentException("unknown command kind " + type));
    return StateJson.read(payload, kind.type());
  }

  /**
   * The cluster command for {@code command}.
   *
   * @param experiment the experiment a {@link Command.ForExperiment} belongs to (its router and
   *     quarantine shape); null for a {@link Command.ForService}
   */
  static ActuationCommand toCluster(Command command, ExperimentRecord experiment) {
    return command.accept(
        new Command.Visitor<>() {
          @Override
          public ActuationCommand setTrafficWeight(Command.SetTrafficWeight c) {
            return new ActuationCommand.SetTrafficWeight(
                c.id(),
                c.service(),
                c.namespace(),
                c.candidate().version(),
                c.candidate().image(),
                c.weight(),
                router());
          }

          @Override
          public ActuationCommand promoteCandidate(Command.PromoteCandidate c) {
            return new ActuationCommand.PromoteCandidate(
                c.id(),
                c.service(),
                c.namespace(),
                c.candidate().version(),
                c.candidate().image(),
                router());
          }

          @Override
          public ActuationCommand rollBackCandidate(Command.RollBackCandidate c) {
            return new ActuationCommand.RollBackCandidate(
                c.id(), c.service(), c.namespace(), c.candidate().version(), router(), c.reason());
          }

          @Override
          public ActuationCommand quarantineCandidate(Command.QuarantineCandidate c) {
            return new ActuationCommand.QuarantineCandidate(
                c.id(),
                c.service(),
                c.namespace(),
                c.candidate().version(),
                c.rcaId(),
                QuarantineShape.parse(experiment.quarantineShape()),
                router());
          }

          @Override
          public ActuationCommand rollBackProduction(Command.RollBackProduction c) {
            return new ActuationCommand.RollBackProduction(
                c.id(),
                c.service(),
                c.namespace(),
                "back from " + c.fromVersion() + " to " + c.toVersion() + ": " + c.reason());
          }

          @Override
          public ActuationCommand scaleStable(Command.ScaleStable c) {
            return new ActuationCommand.ScaleStable(
                c.id(), c.service(), c.namespace(), c.replicas(), c.minReplicas(), c.maxReplicas());
          }

          private RouterKind router() {
            return RouterKind.parse(experiment.router());
          }
        });
  }
}
