package dev.aegis.orchestrator.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The payload of an outbox row of kind {@code event}: the CloudEvent's time and data. Type, id,
 * topic and key are columns of the row.
 */
public record OutgoingEvent(Instant time, JsonNode data) {}
