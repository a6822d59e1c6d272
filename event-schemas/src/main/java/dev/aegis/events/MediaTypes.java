package dev.aegis.events;

import java.util.Locale;

/** Just enough media-type handling for the CloudEvents Kafka binding. */
final class MediaTypes {

  private MediaTypes() {}

  /**
   * The type/subtype without parameters, lowercase: {@code application/json; charset=utf-8} →
   * {@code application/json}.
   */
  static String essence(String mediaType) {
    int parameters = mediaType.indexOf(';');
    String essence = parameters < 0 ? mediaType : mediaType.substring(0, parameters);
    return essence.trim().toLowerCase(Locale.ROOT);
  }

  /** True for {@code application/json}, {@code text/json} and any {@code +json} suffix type. */
  static boolean isJson(String mediaType) {
    String essence = essence(mediaType);
    return essence.equals("application/json")
        || essence.equals("text/json")
        || (essence.endsWith("+json") && essence.indexOf('/') > 0);
  }

  /** True for any CloudEvents structured or batch media type, supported or not. */
  static boolean isCloudEvents(String mediaType) {
    return essence(mediaType).startsWith("application/cloudevents");
  }

  /** True for the one structured media type Aegis accepts. */
  static boolean isStructuredJson(String mediaType) {
    return essence(mediaType).equals(CloudEventHeaders.STRUCTURED_JSON);
  }
}
