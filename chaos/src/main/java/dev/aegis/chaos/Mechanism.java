package dev.aegis.chaos;

import java.util.Arrays;
import java.util.Optional;

/** How a fault was put on the cluster. */
public enum Mechanism {
  /**
   * Plain Kubernetes and mesh objects: pod deletes, VirtualService fault blocks, Jobs,
   * NetworkPolicies.
   */
  NATIVE("native"),
  /**
   * Chaos Mesh custom resources (PodChaos, NetworkChaos, StressChaos, HTTPChaos), found installed.
   */
  CHAOS_MESH("chaos-mesh");

  private final String wireName;

  Mechanism(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * The mechanism named {@code wireName}, if any (a fault cut short before it was put on has none).
   */
  public static Optional<Mechanism> fromWire(String wireName) {
    return Arrays.stream(values()).filter(m -> m.wireName.equals(wireName)).findFirst();
  }
}
