package dev.aegis.orchestrator.actuation;

import dev.aegis.operators.actuation.ActuationCommand;
import dev.aegis.operators.actuation.QuarantineShape;
import dev.aegis.operators.actuation.RouterKind;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.StateJson;

/**
 * Turns a lifecycle command, as stored in the outbox, into the cluster command the actuation port
 * carries out, adding what the core does not know: how the service's traffic is routed and what shape
 * a quarantined candidate is left in (both chosen at submission).
 */
final class CommandMapper {

  private CommandMapper() {}

  /** Reads an outbox payload back into the lifecycle command of kind {@code type}. */
  static Command read(String type, String payload) {
    return switch (type) {
      case "SetTrafficWeight" -> StateJson.read(payload, Command.SetTrafficWeight.class);
      case "PromoteCandidate" -> StateJson.read(payload, Command.PromoteCandidate.class);
      case "RollBackCandidate" -> StateJson.read(payload, Command.RollBackCandidate.class);
      case "QuarantineCandidate" -> StateJson.read(payload, Command.QuarantineCandidate.class);
      default -> throw new IllegalArgumentException("unknown command kind " + type);
    };
  }

  /** Whether outbox rows of kind {@code type} hold a {@link ServiceCommand} rather than a lifecycle command. */
  static boolean isServiceCommand(String type) {
    return "RollBackProduction".equals(type) || "ScaleStable".equals(type);
  }

  static ServiceCommand readService(String type, String payload) {
    return switch (type) {
      case "RollBackProduction" -> StateJson.read(payload, ServiceCommand.RollBackProduction.class);
      case "ScaleStable" -> StateJson.read(payload, ServiceCommand.ScaleStable.class);
      default -> throw new IllegalArgumentException("unknown service command kind " + type);
    };
  }

  static ActuationCommand toCluster(ServiceCommand command) {
    if (command instanceof ServiceCommand.RollBackProduction c) {
      return new ActuationCommand.RollBackProduction(c.id(), c.service(), c.namespace(),
          "back from " + c.fromVersion() + " to " + c.toVersion() + ": " + c.reason());
    }
    ServiceCommand.ScaleStable c = (ServiceCommand.ScaleStable) command;
    return new ActuationCommand.ScaleStable(c.id(), c.service(), c.namespace(), c.replicas(), c.minReplicas(),
        c.maxReplicas());
  }

  static ActuationCommand toCluster(Command command, ExperimentRecord experiment) {
    RouterKind router = RouterKind.parse(experiment.router());
    String version = command.candidate().version();
    if (command instanceof Command.SetTrafficWeight c) {
      return new ActuationCommand.SetTrafficWeight(c.id(), c.service(), c.namespace(), version,
          c.candidate().image(), c.weight(), router);
    }
    if (command instanceof Command.PromoteCandidate c) {
      return new ActuationCommand.PromoteCandidate(c.id(), c.service(), c.namespace(), version,
          c.candidate().image(), router);
    }
    if (command instanceof Command.RollBackCandidate c) {
      return new ActuationCommand.RollBackCandidate(c.id(), c.service(), c.namespace(), version, router,
          c.reason());
    }
    Command.QuarantineCandidate c = (Command.QuarantineCandidate) command;
    return new ActuationCommand.QuarantineCandidate(c.id(), c.service(), c.namespace(), version, c.rcaId(),
        QuarantineShape.parse(experiment.quarantineShape()), router);
  }
}
