package dev.aegis.operators.actuation;

import java.util.Locale;

/** How a service's traffic is split between stable and canary. */
public enum RouterKind {
  /** Istio {@code VirtualService} ({@code networking.istio.io/v1}) route weights. */
  ISTIO,
  /** Gateway API {@code HTTPRoute} ({@code gateway.networking.k8s.io/v1}) backendRef weights. */
  GATEWAY_API,
  /** SMI {@code TrafficSplit} backend weights. */
  SMI,
  /** No mesh: canary replicas = ceil(total × weight), stable gets the rest. */
  REPLICA_RATIO,
  /** Detect from what exists in the service's namespace (see docs/kubernetes.md). */
  AUTO;

  /**
   * Parses the submission's {@code router} value ({@code istio}, {@code gateway-api}, …); null
   * means AUTO.
   */
  public static RouterKind parse(String value) {
    if (value == null || value.isBlank()) {
      return AUTO;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "istio" -> ISTIO;
      case "gateway-api", "gatewayapi", "httproute" -> GATEWAY_API;
      case "smi" -> SMI;
      case "replica-ratio", "replicas", "none" -> REPLICA_RATIO;
      case "auto" -> AUTO;
      default ->
          throw new IllegalArgumentException(
              "unknown router '"
                  + value
                  + "'; expected one of istio, gateway-api, smi, replica-ratio, auto");
    };
  }
}
