package dev.aegis.operators.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What an {@link ExperimentResource} asks for. Deliberately the same shape as the body of {@code
 * POST /api/v1/experiments}, so the reconciler submits the spec itself (with the namespace
 * defaulted) and a field added to the REST body is added here and to the CRD schema, nowhere else.
 * Absent optional fields stay absent in the submission, so the orchestrator's seed defaults apply.
 *
 * @param service the service under analysis (DNS-1123 label)
 * @param namespace namespace of the service's workloads; {@code null} means the resource's
 *     namespace
 * @param candidate the release to analyse
 * @param policy overrides of the seed policy, or {@code null}
 * @param router {@code istio}, {@code gateway-api}, {@code smi}, {@code replica-ratio} or {@code
 *     auto}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentSpec(
    String service, String namespace, CandidateSpec candidate, Policy policy, String router) {

  /**
   * This spec with {@code namespace} filled in from the resource's own namespace when it is absent.
   */
  public ExperimentSpec withDefaultNamespace(String resourceNamespace) {
    return namespace != null
        ? this
        : new ExperimentSpec(service, resourceNamespace, candidate, policy, router);
  }

  /** The candidate release: a version label and the image that carries it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CandidateSpec(String version, String image) {}

  /**
   * Per-experiment overrides of the seed policy; every member may be {@code null}.
   *
   * @param quarantine {@code scale-to-zero} or {@code keep-isolated}: what is left of a V3
   *     candidate
   * @param analysis overrides of the analysis settings (docs/judgment.md)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Policy(
      List<Step> steps,
      Slo slo,
      Long minRequestsPerStep,
      String maxSilence,
      String quarantine,
      Analysis analysis) {

    /** A policy that leaves the analysis settings to the defaults. */
    public Policy(
        List<Step> steps, Slo slo, Long minRequestsPerStep, String maxSilence, String quarantine) {
      this(steps, slo, minRequestsPerStep, maxSilence, quarantine, null);
    }
  }

  /**
   * How a step's evidence becomes a verdict beyond the SLO: comparison with the baseline, score,
   * severe breaches, extension, anytime tests and power. {@code maxExtension} and {@code
   * settleTime} are ISO-8601; {@code onInconclusive} is {@code pause} or {@code fail}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Analysis(
      Double confidence,
      Double errorRateTolerance,
      Double latencyTolerance,
      Double passScore,
      Double marginalScore,
      Double severeErrorRateFactor,
      Double severeLatencyFactor,
      String maxExtension,
      String onInconclusive,
      Integer failureLimit,
      Boolean sequential,
      String settleTime,
      Double detectableErrorRatio,
      Boolean requirePower) {

    /** The overrides of issue 4 alone; the anytime-test and power members take their defaults. */
    public Analysis(
        Double confidence,
        Double errorRateTolerance,
        Double latencyTolerance,
        Double passScore,
        Double marginalScore,
        Double severeErrorRateFactor,
        Double severeLatencyFactor,
        String maxExtension,
        String onInconclusive,
        Integer failureLimit) {
      this(
          confidence,
          errorRateTolerance,
          latencyTolerance,
          passScore,
          marginalScore,
          severeErrorRateFactor,
          severeLatencyFactor,
          maxExtension,
          onInconclusive,
          failureLimit,
          null,
          null,
          null,
          null);
    }
  }

  /**
   * One canary step: {@code weight} percent for at least {@code minDuration} (ISO-8601) of event
   * time.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(Integer weight, String minDuration) {}

  /** The objective a step must meet: error ratio 0..1 and p95 latency in milliseconds. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Slo(Double maxErrorRate, Double maxP95LatencyMs) {}
}
