package dev.aegis.orchestrator.chaos;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The chaos module's settings ({@code aegis.chaos.*}, docs/chaos.md).
 *
 * @param enabled whether faults can be injected at all (listing, reverting and the kill switch
 *     always work)
 * @param maxDuration the longest fault; every fault expires
 * @param maxActive at most this many live faults at once, over every namespace
 * @param podKillMaxPods a pod-kill deletes at most this many pods
 * @param stressImage the image of cpu-stress and memory-stress Jobs
 * @param chaosMesh {@code auto} (use Chaos Mesh when its CRDs are installed), {@code never} or
 *     {@code always}
 * @param sweepInterval how often expired faults are looked for
 * @param revertBackoff the first wait after a failed revert, doubled per attempt
 * @param maxRevertBackoff the longest wait between revert attempts
 */
@ConfigurationProperties("aegis.chaos")
public record ChaosProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("PT30M") Duration maxDuration,
    @DefaultValue("20") int maxActive,
    @DefaultValue("10") int podKillMaxPods,
    @DefaultValue("") String stressImage,
    @DefaultValue("auto") String chaosMesh,
    @DefaultValue("PT2S") Duration sweepInterval,
    @DefaultValue("PT1S") Duration revertBackoff,
    @DefaultValue("PT60S") Duration maxRevertBackoff) {

  /** The wait before revert attempt {@code attempts + 1}: doubling from the first, capped. */
  public Duration backoffAfter(int attempts) {
    Duration wait = revertBackoff;
    for (int i = 0; i < attempts && wait.compareTo(maxRevertBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxRevertBackoff) > 0 ? maxRevertBackoff : wait;
  }
}
