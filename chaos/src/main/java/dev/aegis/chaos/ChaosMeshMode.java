package dev.aegis.chaos;

/** Whether faults go through Chaos Mesh's custom resources or plain Kubernetes and mesh objects. */
public enum ChaosMeshMode {
  /**
   * Chaos Mesh when the kind's custom resource definition is installed in the cluster, else native.
   */
  AUTO,
  /** Always native, even where Chaos Mesh is installed. */
  NEVER,
  /** Always Chaos Mesh; a fault whose custom resource definition is missing is refused. */
  ALWAYS
}
