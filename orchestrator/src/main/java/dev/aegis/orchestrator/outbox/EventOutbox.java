package dev.aegis.orchestrator.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.EventJson;
import dev.aegis.events.EventType;
import dev.aegis.orchestrator.persistence.OutboxMessage;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Tx;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Adds outgoing {@code dev.aegis.*} events to the outbox in the caller's transaction; {@link
 * OutboxRelay} publishes them after commit. Every event Aegis emits (transitions, RCAs, alarms,
 * burn-rate alerts, chaos faults) goes through here, so an event is published if and only if the
 * change it reports committed.
 */
public final class EventOutbox {

  private static final ObjectMapper EVENTS = EventJson.newObjectMapper();

  /**
   * Sees every event enqueued, in the same transaction (notifications, ADR-011): what it writes
   * commits if and only if the event does. It must not call out of the process: a slow receiver
   * must never hold a decision's transaction.
   */
  public interface Tap {
    /**
     * Called after the event's row was added.
     *
     * @param id the CloudEvent id; @param time the CloudEvent time
     */
    void enqueued(Tx h, EventType type, String id, Object data, Instant time, Instant now);
  }

  private final OutboxRepository outbox;
  private final List<Tap> taps;

  public EventOutbox(OutboxRepository outbox) {
    this(outbox, List.of());
  }

  public EventOutbox(OutboxRepository outbox, List<Tap> taps) {
    this.outbox = outbox;
    this.taps = List.copyOf(taps);
  }

  /**
   * Enqueues one event.
   *
   * @param id the CloudEvent id, unique per event: a second enqueue of the same id changes nothing
   * @param key the Kafka record key (an experiment id, or a service for service-wide events)
   * @param time the CloudEvent time: when what it reports happened
   */
  public void enqueue(
      Tx h, EventType type, String id, String key, Object data, Instant time, Instant now) {
    OutgoingEvent payload = new OutgoingEvent(time, EVENTS.valueToTree(data));
    outbox.add(
        h,
        new OutboxMessage.Event(
            id, type, key, new String(EventJson.toJson(payload), StandardCharsets.UTF_8)),
        now);
    for (Tap tap : taps) {
      tap.enqueued(h, type, id, data, time, now);
    }
  }
}
