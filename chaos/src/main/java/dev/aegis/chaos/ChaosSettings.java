package dev.aegis.chaos;

import java.time.Duration;

/**
 * How the chaos module may hit a cluster. Plain values, no framework: the orchestrator binds its
 * {@code aegis.chaos.*} properties and builds one of these.
 *
 * @param maxDuration longest fault accepted ({@code aegis.chaos.max-duration}, default PT30M)
 * @param podKillMaxPods most pods one pod-kill may delete, whatever its share ({@code
 *     aegis.chaos.pod-kill-max-pods}, default 10)
 * @param stressImage the image of the native stress Jobs; its entrypoint must be {@code stress-ng}
 *     ({@code aegis.chaos.stress-image}, default {@value #DEFAULT_STRESS_IMAGE}, the image
 *     stress-ng's author publishes)
 * @param chaosMesh when to use Chaos Mesh ({@code aegis.chaos.chaos-mesh}, default AUTO)
 */
public record ChaosSettings(
    Duration maxDuration, int podKillMaxPods, String stressImage, ChaosMeshMode chaosMesh) {

  public static final Duration DEFAULT_MAX_DURATION = Duration.ofMinutes(30);
  public static final int DEFAULT_POD_KILL_MAX_PODS = 10;
  public static final String DEFAULT_STRESS_IMAGE = "ghcr.io/colinianking/stress-ng:latest";

  public ChaosSettings {
    maxDuration = maxDuration == null ? DEFAULT_MAX_DURATION : maxDuration;
    podKillMaxPods = podKillMaxPods <= 0 ? DEFAULT_POD_KILL_MAX_PODS : podKillMaxPods;
    stressImage = stressImage == null || stressImage.isBlank() ? DEFAULT_STRESS_IMAGE : stressImage;
    chaosMesh = chaosMesh == null ? ChaosMeshMode.AUTO : chaosMesh;
    if (maxDuration.isNegative() || maxDuration.isZero()) {
      throw new IllegalArgumentException(
          "aegis.chaos.max-duration must be positive, was " + maxDuration);
    }
  }

  public static ChaosSettings defaults() {
    return new ChaosSettings(null, 0, null, null);
  }

  public ChaosSettings withChaosMesh(ChaosMeshMode mode) {
    return new ChaosSettings(maxDuration, podKillMaxPods, stressImage, mode);
  }
}
