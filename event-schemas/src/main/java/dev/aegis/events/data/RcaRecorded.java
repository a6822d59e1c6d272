package dev.aegis.events.data;

import java.time.Instant;
import java.util.List;

/**
 * Data of {@code dev.aegis.rca.recorded.v1}: the root-cause analysis written when a candidate is
 * quarantined (V3), either after a failed canary step or after a production rollback.
 *
 * @param experimentId the experiment (also the Kafka key)
 * @param service DNS-1123 label of the service
 * @param namespace Kubernetes namespace, a DNS-1123 label
 * @param candidateVersion the quarantined version
 * @param candidateImage its container image
 * @param productionVersion the version serving users after the rollback; {@code null} if none
 * @param failedStep 0-based index of the step that failed, {@code >= 0}
 * @param failedWeight traffic weight of that step, {@code 0..100}
 * @param summary one-paragraph human-readable summary
 * @param checks the checks that failed
 * @param windows the health windows the verdict was based on
 * @param activeFaults chaos faults active when it failed, so injected failures are not mistaken for
 *     real ones
 * @param timeline the experiment's transitions up to quarantine, oldest first
 * @param recordedAt event time the RCA was recorded
 */
public record RcaRecorded(
    String experimentId,
    String service,
    String namespace,
    String candidateVersion,
    String candidateImage,
    String productionVersion,
    int failedStep,
    int failedWeight,
    String summary,
    List<FailedCheck> checks,
    List<WindowSummary> windows,
    List<ChaosFault> activeFaults,
    List<TimelineEntry> timeline,
    Instant recordedAt) {

  public RcaRecorded {
    checks = copy(checks);
    windows = copy(windows);
    activeFaults = copy(activeFaults);
    timeline = copy(timeline);
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
