package dev.aegis.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One inbound Kafka record seen through its CloudEvents content mode, so the envelope checks are
 * written once for both modes. Attribute names passed in are the CloudEvents names ({@code id},
 * {@code time}); {@link #wireName} gives the name the producer actually wrote, for details.
 */
interface WireEvent {

  /**
   * The name of {@code attribute} in this mode: {@code ce_id} in binary, {@code id} in structured.
   */
  String wireName(String attribute);

  /**
   * The attribute's value, or {@code null} when it is absent.
   *
   * @throws Rejection with {@link RejectionReason#INVALID_ATTRIBUTE} if it is not a string
   */
  String attribute(String attribute);

  /** The data's media type as sent, or {@code null} when none was given. */
  String dataContentType();

  /** Where the data content type was read from, for details. */
  String dataContentTypeName();

  /**
   * The data as a JSON tree.
   *
   * @throws Rejection with {@link RejectionReason#NOT_JSON} or {@link
   *     RejectionReason#MISSING_ATTRIBUTE} if there is no JSON data
   */
  JsonNode data();

  /**
   * The data's bytes as sent, when the record value is the data itself (binary mode); null when the
   * data is a member of a larger document (structured mode).
   */
  default byte[] rawData() {
    return null;
  }
}
