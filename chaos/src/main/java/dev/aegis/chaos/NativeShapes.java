package dev.aegis.chaos;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The objects of native faults, as plain functions of the fault; nothing here talks to the API. */
final class NativeShapes {

  /** Finished stress Jobs are cleaned up by Kubernetes after this, in case no revert ran. */
  static final int TTL_AFTER_FINISHED_SECONDS = 600;

  private NativeShapes() {}

  /**
   * A stress Job beside the target's pods: one pod running {@code image} (entrypoint {@code
   * stress-ng}) on a node that runs one of them (required pod affinity on their labels, topology
   * {@code kubernetes.io/hostname}), for at most {@code duration} (activeDeadlineSeconds, and
   * stress-ng's own {@code --timeout}).
   */
  static Job stressJob(
      String name,
      String namespace,
      Map<String, String> labels,
      LabelSelector targetPods,
      FaultKind kind,
      FaultParameters p,
      Duration duration) {
    long seconds = seconds(duration);
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(seconds)
        .withTtlSecondsAfterFinished(TTL_AFTER_FINISHED_SECONDS)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(0L)
        .withNewAffinity()
        .withNewPodAffinity()
        .addNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withLabelSelector(targetPods)
        .withNamespaces(namespace)
        .withTopologyKey("kubernetes.io/hostname")
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endPodAffinity()
        .endAffinity()
        .addNewContainer()
        .withName("stress")
        .withImage(p.image())
        .withArgs(stressArgs(kind, p, seconds))
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * stress-ng's arguments: CPU workers at full load, or VM workers each keeping {@code memory}
   * resident.
   */
  static List<String> stressArgs(FaultKind kind, FaultParameters p, long seconds) {
    List<String> args = new ArrayList<>();
    if (kind == FaultKind.CPU_STRESS) {
      args.addAll(List.of("--cpu", Integer.toString(p.workers()), "--cpu-load", "100"));
    } else {
      args.addAll(
          List.of(
              "--vm",
              Integer.toString(p.workers()),
              "--vm-bytes",
              mebibytes(p.memory()) + "m",
              "--vm-keep"));
    }
    args.addAll(List.of("--timeout", seconds + "s", "--metrics-brief"));
    return args;
  }

  /**
   * A NetworkPolicy selecting the target's pods with both policy types and no rule: all traffic
   * denied.
   */
  static NetworkPolicy denyAll(
      String name, String namespace, Map<String, String> labels, LabelSelector targetPods) {
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withPodSelector(targetPods)
        .withPolicyTypes("Ingress", "Egress")
        .endSpec()
        .build();
  }

  /**
   * Istio's {@code fault} block: a fixed delay, or an abort with a status, for {@code percent}% of
   * requests.
   */
  static Map<String, Object> istioFault(FaultKind kind, FaultParameters p) {
    Map<String, Object> fault = new LinkedHashMap<>();
    Map<String, Object> percentage =
        Map.of("value", kind == FaultKind.DEPENDENCY_OUTAGE ? 100.0 : p.percent());
    if (kind == FaultKind.LATENCY) {
      Map<String, Object> delay = new LinkedHashMap<>();
      delay.put("fixedDelay", p.delayMs() + "ms");
      delay.put("percentage", new LinkedHashMap<>(percentage));
      fault.put("delay", delay);
    } else {
      Map<String, Object> abort = new LinkedHashMap<>();
      abort.put("httpStatus", p.httpStatus());
      abort.put("percentage", new LinkedHashMap<>(percentage));
      fault.put("abort", abort);
    }
    return fault;
  }

  static long seconds(Duration duration) {
    long seconds = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  /** A memory quantity in MiB, rounded up. */
  static long mebibytes(String memory) {
    long bytes = FaultDefaults.bytes(memory);
    return (bytes + (1L << 20) - 1) >> 20;
  }

  static String percent(double percent) {
    return percent == Math.rint(percent)
        ? Long.toString((long) percent)
        : String.format(Locale.ROOT, "%s", percent);
  }
}
