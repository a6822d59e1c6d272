package dev.aegis.events;

/**
 * Wire names of the CloudEvents 1.0 Kafka protocol binding as Aegis uses them: the {@code ce_*}
 * headers of binary content mode, the {@code content-type} header and the structured-mode media
 * type.
 */
public final class CloudEventHeaders {

  /** Prefix of every CloudEvents attribute header in binary mode. */
  public static final String PREFIX = "ce_";

  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String SPECVERSION = "ce_specversion";
  public static final String SUBJECT = "ce_subject";
  public static final String TIME = "ce_time";
  public static final String DATASCHEMA = "ce_dataschema";

  /** Carries {@code datacontenttype} in binary mode, and selects structured mode. */
  public static final String CONTENT_TYPE = "content-type";

  /** The only CloudEvents spec version Aegis accepts. */
  public static final String SPECVERSION_1_0 = "1.0";

  /** Media type of the data in binary mode. */
  public static final String JSON = "application/json";

  /** Media type of a whole event in structured mode. */
  public static final String STRUCTURED_JSON = "application/cloudevents+json";

  private CloudEventHeaders() {}
}
