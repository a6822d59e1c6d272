package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.data.AnalysisSpec;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.FailedCheck;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.events.data.Track;
import dev.aegis.events.data.WindowSummary;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The optional members added for explained judgments (issue 4): policy.analysis on submissions, the
 * statistics of an RCA's checks, chaos tags on its windows. Old shapes stay valid and read with
 * nulls.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JudgmentFieldsTest {

  private static final EventCodec CODEC = new EventCodec();

  @Test
  void a_submission_with_analysis_overrides_passes_its_schema_and_reads_back_equal() {
    PolicySpec policy =
        new PolicySpec(
            null,
            null,
            null,
            null,
            null,
            new AnalysisSpec(
                0.99, 0.2, null, 90.0, 60.0, 4.0, 2.5, Duration.ofMinutes(30), "fail", 1));
    ExperimentSubmitted submitted =
        new ExperimentSubmitted(
            "checkout",
            "shop",
            new Candidate("1.4.2", "registry.example.com/shop/checkout:1.4.2"),
            policy);

    byte[] json = EventJson.toJson(submitted);

    assertThat(new String(json))
        .contains("\"maxExtension\":\"PT30M\"")
        .doesNotContain("latencyTolerance");
    assertThat(CODEC.validate(EventType.EXPERIMENT_SUBMITTED, submitted)).isEmpty();
    assertThat(CODEC.readData(EventType.EXPERIMENT_SUBMITTED, json)).isEqualTo(submitted);
  }

  @Test
  void
      an_rca_check_with_statistics_and_a_chaos_tagged_window_passes_its_schema_and_reads_back_equal() {
    RcaRecorded sample = Samples.rca();
    FailedCheck compared =
        new FailedCheck(
            "error-rate-comparison",
            0.01,
            0.0,
            "<=",
            "error rate 1.00% vs baseline 0.00%",
            "high",
            "baseline",
            0.0,
            "two-proportion-z",
            3.17,
            0.00076,
            0.98,
            0.1,
            10,
            10);
    WindowSummary tagged =
        new WindowSummary(
            Track.CANARY,
            "1.4.2",
            Samples.T0,
            Samples.T0.plusSeconds(60),
            2000,
            20,
            240,
            List.of("f-7c1e"));
    RcaRecorded rca =
        new RcaRecorded(
            sample.experimentId(),
            sample.service(),
            sample.namespace(),
            sample.candidateVersion(),
            sample.candidateImage(),
            sample.productionVersion(),
            sample.failedStep(),
            sample.failedWeight(),
            sample.summary(),
            List.of(compared),
            List.of(tagged),
            sample.activeFaults(),
            sample.timeline(),
            sample.recordedAt());

    byte[] json = EventJson.toJson(rca);

    assertThat(new String(json)).contains("\"pValue\":7.6E-4", "\"faults\":[\"f-7c1e\"]");
    assertThat(CODEC.validate(EventType.RCA_RECORDED, rca)).isEmpty();
    assertThat(CODEC.readData(EventType.RCA_RECORDED, json)).isEqualTo(rca);
  }

  @Test
  void an_rca_in_the_old_shape_reads_with_the_new_members_absent() {
    RcaRecorded old = Samples.rca();

    byte[] json = EventJson.toJson(old);
    RcaRecorded read = (RcaRecorded) CODEC.readData(EventType.RCA_RECORDED, json);

    assertThat(new String(json)).doesNotContain("pValue", "faults");
    assertThat(read.checks().get(0).pValue()).isNull();
    assertThat(read.windows().get(0).faults()).isNull();
  }
}
