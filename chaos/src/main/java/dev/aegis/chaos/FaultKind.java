package dev.aegis.chaos;

import java.util.Arrays;
import java.util.Optional;

/** What a fault does to its target. The wire name is the {@code kind} of the chaos events. */
public enum FaultKind {
  /** Deletes a bounded share of the target's pods; their ReplicaSet brings them back. */
  POD_KILL("pod-kill"),
  /** Delays a share of the target's HTTP requests. */
  LATENCY("latency"),
  /** Fails a share of the target's HTTP requests with a status code. */
  ABORT("abort"),
  /** Runs a CPU-burning Job beside the target's pods. */
  CPU_STRESS("cpu-stress"),
  /** Runs a memory-filling Job beside the target's pods. */
  MEMORY_STRESS("memory-stress"),
  /** Denies all ingress and egress of the target's pods. */
  NETWORK_PARTITION("network-partition"),
  /** Fails every request the target sends to one dependency. */
  DEPENDENCY_OUTAGE("dependency-outage");

  private final String wireName;

  FaultKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<FaultKind> fromWire(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
  }

  /** Whether the fault acts on HTTP routes (and so needs a mesh or Chaos Mesh's HTTPChaos). */
  public boolean isHttp() {
    return this == LATENCY || this == ABORT || this == DEPENDENCY_OUTAGE;
  }
}
