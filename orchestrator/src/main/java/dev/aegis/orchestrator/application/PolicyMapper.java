package dev.aegis.orchestrator.application;

import dev.aegis.events.data.AnalysisSpec;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import dev.aegis.orchestrator.judgment.Analysis;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Slo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a submitted policy (every field optional) into a complete {@link Policy}, seed defaults
 * filling gaps.
 */
public final class PolicyMapper {

  private PolicyMapper() {}

  /**
   * @throws InvalidSubmissionException naming the field (e.g. {@code policy.steps[1].weight}), also
   *     for a value past the bounds of {@link PolicyLimits}
   */
  public static Policy toPolicy(PolicySpec spec, Policy defaults) {
    if (spec == null) {
      return defaults;
    }
    PolicyLimits.check(spec);
    List<CanaryStep> steps =
        spec.steps() == null || spec.steps().isEmpty() ? defaults.steps() : steps(spec.steps());
    Slo slo = slo(spec.slo(), defaults.slo());
    long minRequests =
        spec.minRequestsPerStep() == null
            ? defaults.minRequestsPerStep()
            : spec.minRequestsPerStep();
    Duration maxSilence = spec.maxSilence() == null ? defaults.maxSilence() : spec.maxSilence();
    Analysis analysis = analysis(spec.analysis(), defaults.analysis());
    try {
      return new Policy(steps, slo, minRequests, maxSilence, analysis);
    } catch (IllegalArgumentException e) {
      throw new InvalidSubmissionException(fieldOf(e.getMessage()), e.getMessage());
    }
  }

  private static List<CanaryStep> steps(List<StepSpec> specs) {
    List<CanaryStep> steps = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      StepSpec s = specs.get(i);
      try {
        steps.add(new CanaryStep(s.weight(), s.minDuration()));
      } catch (IllegalArgumentException e) {
        String field = e.getMessage().contains("weight") ? "weight" : "minDuration";
        throw new InvalidSubmissionException("policy.steps[" + i + "]." + field, e.getMessage());
      }
    }
    return steps;
  }

  private static Slo slo(SloSpec spec, Slo defaults) {
    if (spec == null) {
      return defaults;
    }
    double maxErrorRate =
        spec.maxErrorRate() == null ? defaults.maxErrorRate() : spec.maxErrorRate();
    double maxP95 =
        spec.maxP95LatencyMs() == null ? defaults.maxP95LatencyMs() : spec.maxP95LatencyMs();
    try {
      return new Slo(maxErrorRate, maxP95);
    } catch (IllegalArgumentException e) {
      String field = e.getMessage().startsWith("maxErrorRate") ? "maxErrorRate" : "maxP95LatencyMs";
      throw new InvalidSubmissionException("policy.slo." + field, e.getMessage());
    }
  }

  private static Analysis analysis(AnalysisSpec spec, Analysis d) {
    if (spec == null) {
      return d;
    }
    try {
      return new Analysis(
          or(spec.confidence(), d.confidence()),
          or(spec.errorRateTolerance(), d.errorRateTolerance()),
          or(spec.latencyTolerance(), d.latencyTolerance()),
          or(spec.passScore(), d.passScore()),
          or(spec.marginalScore(), d.marginalScore()),
          or(spec.severeErrorRateFactor(), d.severeErrorRateFactor()),
          or(spec.severeLatencyFactor(), d.severeLatencyFactor()),
          spec.maxExtension() == null ? d.maxExtension() : spec.maxExtension(),
          spec.onInconclusive() == null
              ? d.onInconclusive()
              : onInconclusive(spec.onInconclusive()),
          spec.failureLimit() == null ? d.failureLimit() : spec.failureLimit(),
          spec.sequential() == null ? d.sequential() : spec.sequential(),
          spec.settleTime() == null ? d.settleTime() : spec.settleTime(),
          or(spec.detectableErrorRatio(), d.detectableErrorRatio()),
          spec.requirePower() == null ? d.requirePower() : spec.requirePower());
    } catch (IllegalArgumentException e) {
      // Analysis names the offending member first: "confidence must be ...".
      String member = e.getMessage().split(" ", 2)[0];
      throw new InvalidSubmissionException(
          "policy.analysis." + member, "policy.analysis." + e.getMessage());
    }
  }

  private static Analysis.OnInconclusive onInconclusive(String value) {
    return switch (value) {
      case "pause" -> Analysis.OnInconclusive.PAUSE;
      case "fail" -> Analysis.OnInconclusive.FAIL;
      default ->
          throw new IllegalArgumentException("onInconclusive must be pause or fail, was " + value);
    };
  }

  private static double or(Double value, double fallback) {
    return value == null ? fallback : value;
  }

  private static String fieldOf(String message) {
    if (message.contains("minRequestsPerStep")) {
      return "policy.minRequestsPerStep";
    }
    if (message.contains("maxSilence")) {
      return "policy.maxSilence";
    }
    return "policy.steps";
  }
}
