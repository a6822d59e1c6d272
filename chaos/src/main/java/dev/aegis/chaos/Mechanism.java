package dev.aegis.chaos;

/** How a fault was put on the cluster. */
public enum Mechanism {
  /** Plain Kubernetes and mesh objects: pod deletes, VirtualService fault blocks, Jobs, NetworkPolicies. */
  NATIVE("native"),
  /** Chaos Mesh custom resources (PodChaos, NetworkChaos, StressChaos, HTTPChaos), found installed. */
  CHAOS_MESH("chaos-mesh");

  private final String wireName;

  Mechanism(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
