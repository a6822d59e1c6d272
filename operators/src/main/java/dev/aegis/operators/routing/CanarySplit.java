package dev.aegis.operators.routing;

/**
 * How one service's traffic is to be split: {@code canaryWeight} percent to {@code
 * <service>-canary}, the rest to {@code <service>}. The two weights always sum to 100.
 *
 * @param totalReplicas the stable Deployment's replica count before the experiment; the
 *     replica-ratio router divides it between stable and canary, mesh routers size the canary from
 *     it
 */
public record CanarySplit(String namespace, String service, int canaryWeight, int totalReplicas) {

  public CanarySplit {
    if (canaryWeight < 0 || canaryWeight > 100) {
      throw new IllegalArgumentException(
          "canary weight must be within 0..100, was " + canaryWeight);
    }
    if (totalReplicas < 0) {
      throw new IllegalArgumentException(
          "total replicas must not be negative, was " + totalReplicas);
    }
  }

  public int stableWeight() {
    return 100 - canaryWeight;
  }

  public String canaryService() {
    return canaryName(service);
  }

  /**
   * {@code ceil(total × weight / 100)}: the canary's share of the replicas, rounded up so 1% gets a
   * pod.
   */
  public int proportionalCanaryReplicas() {
    return (totalReplicas * canaryWeight + 99) / 100;
  }

  /** The name of a service's canary Deployment and Service. */
  public static String canaryName(String service) {
    return service + "-canary";
  }
}
