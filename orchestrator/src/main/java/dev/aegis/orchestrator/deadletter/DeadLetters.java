package dev.aegis.orchestrator.deadletter;

import dev.aegis.events.DeadLetterHeaders;
import dev.aegis.orchestrator.persistence.OutboxMessage;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.Tx;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds dead-letter requests and the Kafka records that carry them to {@code aegis.dlq}. */
public final class DeadLetters {

  private DeadLetters() {}

  public static DeadLetterRequest request(
      ConsumedRecord r, String code, String reason, String errorClass, Instant firstFailedAt) {
    Base64.Encoder b64 = Base64.getEncoder();
    List<DeadLetterRequest.Header> headers = new ArrayList<>();
    r.headers()
        .forEach(
            (name, value) -> {
              if (!name.startsWith("aegis_dlq_")) {
                headers.add(
                    new DeadLetterRequest.Header(
                        name, value == null ? null : b64.encodeToString(value)));
              }
            });
    return new DeadLetterRequest(
        r.topic(),
        r.partition(),
        r.offset(),
        r.key() == null ? null : b64.encodeToString(r.key()),
        r.value() == null ? null : b64.encodeToString(r.value()),
        headers,
        code,
        reason,
        errorClass,
        firstFailedAt);
  }

  /**
   * Enqueues {@code request} in the outbox, in the caller's transaction; idempotent per original
   * record.
   */
  public static void enqueue(
      Tx h, OutboxRepository outbox, DeadLetterRequest request, Instant now) {
    String id =
        "dlq:"
            + request.originalTopic()
            + "/"
            + request.originalPartition()
            + "/"
            + request.originalOffset();
    outbox.add(
        h, new OutboxMessage.DeadLetter(id, request.reasonCode(), StateJson.write(request)), now);
  }

  /** The headers of the dead-letter record: the original ones plus {@code aegis_dlq_*}. */
  public static Map<String, byte[]> headers(DeadLetterRequest request) {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    Base64.Decoder b64 = Base64.getDecoder();
    for (DeadLetterRequest.Header h : request.headers()) {
      headers.put(h.name(), h.value() == null ? null : b64.decode(h.value()));
    }
    headers.put(DeadLetterHeaders.REASON, utf8(request.reasonCode() + ": " + request.reason()));
    headers.put(DeadLetterHeaders.REASON_CODE, utf8(request.reasonCode()));
    headers.put(DeadLetterHeaders.ERROR_CLASS, utf8(request.errorClass()));
    headers.put(DeadLetterHeaders.ORIGINAL_TOPIC, utf8(request.originalTopic()));
    headers.put(
        DeadLetterHeaders.ORIGINAL_PARTITION, utf8(Integer.toString(request.originalPartition())));
    headers.put(DeadLetterHeaders.ORIGINAL_OFFSET, utf8(Long.toString(request.originalOffset())));
    headers.put(DeadLetterHeaders.FIRST_FAILED_AT, utf8(request.firstFailedAt().toString()));
    return headers;
  }

  public static byte[] decode(String base64) {
    return base64 == null ? null : Base64.getDecoder().decode(base64);
  }

  private static byte[] utf8(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }
}
