package dev.aegis.orchestrator.messaging;

import dev.aegis.events.EventType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may publish what on the input topics ({@code aegis.health}, {@code aegis.experiments}, {@code
 * aegis.chaos}); see docs/kafka-security.md. A pattern is an exact CloudEvents {@code source} or a
 * prefix ending in {@code *} ({@code *} alone matches every source). Keys that contain {@code /} or
 * {@code *} are written in brackets: {@code aegis.kafka.trust.principals[/monitors/*]}.
 *
 * @param sources per input event type, the source patterns accepted; the key is the type's alias
 *     ({@code health-reported}, {@code experiment-submitted}, {@code chaos-injected}, {@code
 *     chaos-cleared}; case and dashes do not matter, so {@code
 *     AEGIS_KAFKA_TRUST_SOURCES_HEALTHREPORTED} works) or its full CloudEvents type in brackets.
 *     Empty: every source is accepted (a WARN at start says so). Once any type is listed, a type
 *     without an entry accepts no source.
 * @param principals source pattern to the Kafka principal it is bound to: a record from a matching
 *     source must carry {@link #principalHeader} equal to that principal (set by {@link
 *     TrustedPrincipalInterceptor} in the producer). The most specific pattern wins.
 * @param submitters principal pattern to the namespaces it may submit experiments to ({@code *} =
 *     every namespace). The principal of a submission is its source and, when the source is bound,
 *     also its verified Kafka principal; the namespaces of every matching pattern are allowed.
 *     Empty: submissions over Kafka are not scoped by namespace (a WARN at start says so).
 * @param principalHeader the record header carrying the producer's Kafka principal
 */
@ConfigurationProperties("aegis.kafka.trust")
public record KafkaTrustProperties(
    Map<String, List<String>> sources,
    Map<String, String> principals,
    Map<String, List<String>> submitters,
    @DefaultValue(TrustedPrincipalInterceptor.DEFAULT_HEADER) String principalHeader) {

  public KafkaTrustProperties {
    sources = sources == null ? Map.of() : Map.copyOf(sources);
    principals = principals == null ? Map.of() : Map.copyOf(principals);
    submitters = submitters == null ? Map.of() : Map.copyOf(submitters);
    sources.keySet().forEach(KafkaTrustProperties::inputType);
  }

  /**
   * The allow-list with its keys resolved to event types; fails on a key that names no input type.
   */
  Map<EventType, List<String>> sourcesByType() {
    Map<EventType, List<String>> byType = new LinkedHashMap<>();
    sources.forEach(
        (key, patterns) ->
            byType.merge(
                inputType(key),
                List.copyOf(patterns),
                (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
    return byType;
  }

  /** The alias under which {@code type} may be listed in {@link #sources}. */
  public static String alias(EventType type) {
    return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * An alias as environment variables can spell it: case and dashes do not matter (HEALTHREPORTED).
   */
  private static String loose(String key) {
    return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  private static EventType inputType(String key) {
    for (EventType type : EventType.values()) {
      if (type.type().equals(key) || loose(alias(type)).equals(loose(key))) {
        if (!type.isInbound()) {
          throw new IllegalArgumentException(
              "aegis.kafka.trust.sources."
                  + key
                  + ": Aegis publishes "
                  + type.type()
                  + " itself and does not consume it");
        }
        return type;
      }
    }
    throw new IllegalArgumentException(
        "aegis.kafka.trust.sources."
            + key
            + " names no event type; use one of "
            + Arrays.stream(EventType.values())
                .filter(EventType::isInbound)
                .map(KafkaTrustProperties::alias)
                .toList()
            + " or a full CloudEvents type in brackets");
  }
}
