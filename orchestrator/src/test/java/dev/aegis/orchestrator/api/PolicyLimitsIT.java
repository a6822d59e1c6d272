package dev.aegis.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.RawHttp;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The numbers of a submitted policy are bounded (PolicyLimits): past a bound the submission is
 * refused with a problem naming the field, and nothing is written (no service, experiment,
 * transition or audit entry).
 */
@AegisComponentTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PolicyLimitsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STEPS =
      "\"steps\": [{\"weight\": 50, \"minDuration\": \"PT1H\"}, "
          + "{\"weight\": 100, \"minDuration\": \"PT1H\"}]";

  @LocalServerPort int port;
  @Autowired Jdbi jdbi;
  @Autowired KubernetesClient cluster;

  @BeforeEach
  void deployStable() {
    Workloads.deployStable(cluster, "shop", "bounded", "within");
  }

  private static String submission(String policy) {
    return """
        {"service": "bounded", "namespace": "shop", "candidate": {"version": "v2", "image": "registry.local/bounded:v2"},
         "policy": {%s}}"""
        .formatted(policy);
  }

  /** Rows about service {@code bounded}, which only refused submissions name. */
  private long rows(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  static Stream<Arguments> pastTheBounds() {
    return Stream.of(
        Arguments.of(
            "a step longer than 90 days",
            "\"steps\": [{\"weight\": 100, \"minDuration\": \"P91D\"}]",
            "policy.steps[0].minDuration"),
        Arguments.of(
            "a step long enough to overflow the judge's arithmetic",
            "\"steps\": [{\"weight\": 50, \"minDuration\": \"PT1H\"}, "
                + "{\"weight\": 100, \"minDuration\": \"PT2562047788015215H\"}]",
            "policy.steps[1].minDuration"),
        Arguments.of(
            "silence tolerated for more than 7 days",
            STEPS + ", \"maxSilence\": \"P8D\"",
            "policy.maxSilence"),
        Arguments.of(
            "more than a billion requests per step",
            STEPS + ", \"minRequestsPerStep\": 10000000000",
            "policy.minRequestsPerStep"),
        Arguments.of(
            "a p95 objective over an hour",
            STEPS + ", \"slo\": {\"maxP95LatencyMs\": 3600001}",
            "policy.slo.maxP95LatencyMs"),
        Arguments.of(
            "a p95 objective that JSON reads as infinity",
            STEPS + ", \"slo\": {\"maxP95LatencyMs\": 1e400}",
            "policy.slo.maxP95LatencyMs"),
        Arguments.of(
            "an infinite error-rate tolerance",
            STEPS + ", \"analysis\": {\"errorRateTolerance\": 1e400}",
            "policy.analysis.errorRateTolerance"),
        Arguments.of(
            "a latency tolerance over 100",
            STEPS + ", \"analysis\": {\"latencyTolerance\": 101}",
            "policy.analysis.latencyTolerance"),
        Arguments.of(
            "a severe-latency factor over 1000",
            STEPS + ", \"analysis\": {\"severeLatencyFactor\": 1001}",
            "policy.analysis.severeLatencyFactor"),
        Arguments.of(
            "a severe-error-rate factor over 1000",
            STEPS + ", \"analysis\": {\"severeErrorRateFactor\": 5000}",
            "policy.analysis.severeErrorRateFactor"),
        Arguments.of(
            "an extension longer than 90 days",
            STEPS + ", \"analysis\": {\"maxExtension\": \"P100D\"}",
            "policy.analysis.maxExtension"),
        Arguments.of(
            "more than 1000 tolerated failures",
            STEPS + ", \"analysis\": {\"failureLimit\": 1001}",
            "policy.analysis.failureLimit"),
        Arguments.of(
            "a settle time longer than 90 days",
            STEPS + ", \"analysis\": {\"settleTime\": \"P91D\"}",
            "policy.analysis.settleTime"),
        Arguments.of(
            "a detectable error ratio over 1000",
            STEPS + ", \"analysis\": {\"detectableErrorRatio\": 1001}",
            "policy.analysis.detectableErrorRatio"),
        Arguments.of(
            "a detectable error ratio within the tolerance",
            STEPS + ", \"analysis\": {\"detectableErrorRatio\": 1.05}",
            "policy.analysis.detectableErrorRatio"));
  }

  @ParameterizedTest(name = "{0} is refused naming {2}")
  @MethodSource("pastTheBounds")
  void refused(String why, String policy, String field) throws Exception {
    RawHttp.Response r =
        RawHttp.send(port, "POST", "/api/v1/experiments", List.of(), submission(policy));

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("content-type")).startsWith("application/problem+json");
    JsonNode problem = JSON.readTree(r.body());
    assertThat(problem.path("field").asText()).as(r.body()).isEqualTo(field);
    assertThat(problem.path("detail").asText()).contains(field);
    assertThat(rows("SELECT count(*) FROM services WHERE name = 'bounded'")).isZero();
    assertThat(rows("SELECT count(*) FROM experiments WHERE service = 'bounded'")).isZero();
    assertThat(
            rows(
                "SELECT count(*) FROM transitions t JOIN experiments e ON e.id = t.experiment_id"
                    + " WHERE e.service = 'bounded'"))
        .isZero();
    assertThat(rows("SELECT count(*) FROM audit_log WHERE detail ->> 'service' = 'bounded'"))
        .isZero();
  }

  @Test
  @DisplayName("a policy at every bound is accepted")
  void atTheBounds() throws Exception {
    String policy =
        "\"steps\": [{\"weight\": 50, \"minDuration\": \"P90D\"}, {\"weight\": 100, \"minDuration\": \"PT1H\"}],"
            + " \"maxSilence\": \"P7D\", \"minRequestsPerStep\": 1000000000,"
            + " \"slo\": {\"maxErrorRate\": 1, \"maxP95LatencyMs\": 3600000},"
            + " \"analysis\": {\"errorRateTolerance\": 100, \"latencyTolerance\": 100, \"severeErrorRateFactor\": 1000,"
            + " \"severeLatencyFactor\": 1000, \"maxExtension\": \"P90D\", \"failureLimit\": 1000,"
            + " \"settleTime\": \"P90D\", \"detectableErrorRatio\": 1000, \"requirePower\": true,"
            + " \"sequential\": false}";
    RawHttp.Response r =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/experiments",
            List.of(),
            submission(policy).replace("bounded", "within"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(
            JSON.readTree(r.body())
                .path("policy")
                .path("steps")
                .get(0)
                .path("minDuration")
                .asText())
        .isEqualTo("PT2160H");
  }
}
