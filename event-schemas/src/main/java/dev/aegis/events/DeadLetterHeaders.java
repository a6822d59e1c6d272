package dev.aegis.events;

/**
 * Kafka header names the orchestrator adds when it dead-letters a record to {@link Topics#DLQ}. The
 * original key, value and headers are kept unchanged. Values are UTF-8 strings.
 */
public final class DeadLetterHeaders {

  /**
   * Why the record was dead-lettered, for humans: the stable kebab-case code, {@code ": "}, then
   * the detail, e.g. {@code schema-violation: schema violation at /latencyMs/p95: must have a
   * minimum value of 0}. The code is a {@link RejectionReason#code()} for events the codec
   * rejected, or another kebab-case reason for failures after decoding.
   */
  public static final String REASON = "aegis_dlq_reason";

  /** The code of {@link #REASON} on its own, for filtering and replay by reason. */
  public static final String REASON_CODE = "aegis_dlq_reason_code";

  /**
   * What kind of failure it was: the class of the error that caused the dead letter, or a fixed
   * marker such as {@code EventRejected} for events refused before processing.
   */
  public static final String ERROR_CLASS = "aegis_dlq_error_class";

  /** Topic the record was consumed from. */
  public static final String ORIGINAL_TOPIC = "aegis_dlq_original_topic";

  /** Partition the record was consumed from, decimal. */
  public static final String ORIGINAL_PARTITION = "aegis_dlq_original_partition";

  /** Offset of the record in its original partition, decimal. */
  public static final String ORIGINAL_OFFSET = "aegis_dlq_original_offset";

  /** RFC 3339 time of the first failed attempt to process the record. */
  public static final String FIRST_FAILED_AT = "aegis_dlq_first_failed_at";

  private DeadLetterHeaders() {}
}
