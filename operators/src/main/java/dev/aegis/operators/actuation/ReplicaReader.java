package dev.aegis.operators.actuation;

import java.util.OptionalInt;

/**
 * How many replicas a service's stable Deployment asks for ({@code spec.replicas} of Deployment
 * {@code <service>}), so production remediation knows what it scales from.
 *
 * <p>Contract: empty when the Deployment does not exist or does not say. An implementation that
 * reads the cluster ({@link KubernetesReplicaReader}) throws an unchecked exception when the
 * cluster cannot answer; {@link ResilientReplicaReader} never throws and answers empty instead.
 */
public interface ReplicaReader {

  OptionalInt stableReplicas(String namespace, String service);
}
