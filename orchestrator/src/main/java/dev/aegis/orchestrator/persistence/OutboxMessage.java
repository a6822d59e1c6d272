package dev.aegis.orchestrator.persistence;

import dev.aegis.events.EventType;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.lifecycle.Command;

/**
 * What can be put in the outbox, each with the columns it fills. The relays read rows back by
 * {@code kind}: the actuation relay carries out commands, the outbox relay publishes events and
 * dead letters.
 */
public sealed interface OutboxMessage
    permits OutboxMessage.Actuation, OutboxMessage.Event, OutboxMessage.DeadLetter {

  /** The row's columns. */
  Row row();

  /** The columns of one outbox row (nullable where the message kind has no value). */
  record Row(
      String id,
      OutboxRepository.Kind kind,
      String type,
      String experimentId,
      String topic,
      String key,
      String payloadJson) {}

  /** A command for the actuation relay; ordered per service through its key. */
  record Actuation(Command command) implements OutboxMessage {
    @Override
    public Row row() {
      String experimentId = command instanceof Command.ForExperiment c ? c.experimentId() : null;
      return new Row(
          command.id(),
          OutboxRepository.Kind.ACTUATION,
          command.kind().wire(),
          experimentId,
          null,
          command.service(),
          StateJson.write(command));
    }
  }

  /**
   * A {@code dev.aegis.*} event to publish.
   *
   * @param key the Kafka key, also kept in the row's experiment column (an experiment id, or a
   *     service name for service-wide events)
   * @param payloadJson the serialized {@code OutgoingEvent} (time and data)
   */
  record Event(String id, EventType type, String key, String payloadJson) implements OutboxMessage {
    @Override
    public Row row() {
      return new Row(
          id, OutboxRepository.Kind.EVENT, type.type(), key, type.topic(), key, payloadJson);
    }
  }

  /**
   * A record for the dead-letter topic.
   *
   * @param id one per original record ({@code dlq:topic/partition/offset}), so a redelivery adds
   *     nothing
   * @param payloadJson the serialized dead-letter request
   */
  record DeadLetter(String id, String reasonCode, String payloadJson) implements OutboxMessage {
    @Override
    public Row row() {
      return new Row(
          id, OutboxRepository.Kind.DEAD_LETTER, reasonCode, null, Topics.DLQ, null, payloadJson);
    }
  }
}
