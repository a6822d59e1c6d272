package dev.aegis.chaos.gameday;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.chaos.FaultKind;
import dev.aegis.chaos.FaultParameters;
import dev.aegis.events.data.Track;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Game day files: what a good one gives, and the precise error of each kind of bad one. */
class GameDaysTest {

  static final String GOOD =
      """
      name: partition-at-50
      description: A canary cut off from the network at its 50% step is quarantined.
      experiment:
        service: checkout
        namespace: demo
        router: istio
        candidate: {version: "2.0.0-gd.${run}", image: "registry.local/demo/checkout:2.0.0-gd.${run}"}
        policy:
          steps: [{weight: 10, minDuration: PT20S}, {weight: 100, minDuration: PT20S}]
      fault:
        atStep: 2
        kind: memory-stress
        track: canary
        duration: PT2M
        parameters: {workers: 2, memory: 512Mi}
      expect:
        phase: QUARANTINED
        within: PT3M
      """;

  @Test
  void aGoodFileGivesEveryFieldWithItsDefaults(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("partition.yaml");
    Files.writeString(file, GOOD);

    GameDay day = GameDays.parse(file);

    assertThat(day.name()).isEqualTo("partition-at-50");
    assertThat(day.source()).isEqualTo(file.toString());
    assertThat(day.service()).isEqualTo("checkout");
    assertThat(day.namespace()).isEqualTo("demo");
    assertThat(day.fault())
        .isEqualTo(
            new GameDay.Fault(
                2,
                FaultKind.MEMORY_STRESS,
                Track.CANARY,
                Duration.ofMinutes(2),
                false,
                new FaultParameters(null, null, null, null, null, null, 2, "512Mi", null),
                GameDays.DEFAULT_REACH_STEP_WITHIN));
    assertThat(day.expect())
        .isEqualTo(new GameDay.Expectation("QUARANTINED", Duration.ofMinutes(3), true));
    assertThat(day.experiment().path("policy").path("steps").size()).isEqualTo(2);
  }

  @Test
  void theRunPlaceholderIsReplacedInACopyOfTheExperiment() {
    GameDay day = parse(GOOD);

    var body = day.experimentBody("abc123");

    assertThat(body.path("candidate").path("version").asText()).isEqualTo("2.0.0-gd.abc123");
    assertThat(body.path("candidate").path("image").asText())
        .isEqualTo("registry.local/demo/checkout:2.0.0-gd.abc123");
    assertThat(day.experiment().path("candidate").path("version").asText()).contains("${run}");
  }

  @Test
  void everyShippedGameDayIsOnTheClasspathAndInTheGamedaysFolder() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("gamedays"))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")))
          .containsExactlyInAnyOrderElementsOf(GameDays.shipped());
    }
    assertThat(GameDays.shipped()).hasSizeGreaterThanOrEqualTo(4);
    for (String name : GameDays.shipped()) {
      GameDay day = GameDays.shipped(name);
      System.out.println(
          name
              + ": "
              + day.fault().kind().wireName()
              + " at step "
              + day.fault().atStep()
              + " → "
              + day.expect().phase()
              + " within "
              + day.expect().within());
      assertThat(day.name() + ".yaml").isEqualTo(name);
      assertThat(day.source()).isEqualTo("classpath:gamedays/" + name);
      assertThat(day.experiment().path("candidate").path("version").asText())
          .contains(GameDay.RUN_PLACEHOLDER);
    }
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("an empty file", "", "(document)", "is empty"),
        Arguments.of(
            "a YAML syntax error names the line",
            "name: a\nexperiment: [unclosed\n",
            "line 2",
            "not valid YAML"),
        Arguments.of("a duplicate key", GOOD + "name: again\n", "line", "Duplicate field 'name'"),
        Arguments.of(
            "a missing name", GOOD.replace("name: partition-at-50\n", ""), "name", "is required"),
        Arguments.of(
            "a name with capitals",
            GOOD.replace("partition-at-50", "Partition"),
            "name",
            "lower-case"),
        Arguments.of(
            "an unknown top-level field",
            GOOD + "owner: me\n",
            "owner",
            "unknown field; known here: name"),
        Arguments.of(
            "an experiment without an image",
            GOOD.replace(", image: \"registry.local/demo/checkout:2.0.0-gd.${run}\"", ""),
            "experiment.candidate.image",
            "is required"),
        Arguments.of(
            "an experiment without a namespace",
            GOOD.replace("  namespace: demo\n", ""),
            "experiment.namespace",
            "is required"),
        Arguments.of(
            "a policy that is a string",
            GOOD.replace(
                """
              policy:
                steps: [{weight: 10, minDuration: PT20S}, {weight: 100, minDuration: PT20S}]
            """,
                "  policy: fast\n"),
            "experiment.policy",
            "must be a mapping"),
        Arguments.of(
            "a fault that is a list",
            GOOD.substring(0, GOOD.indexOf("fault:")) + "fault: [a]\nexpect: {phase: PROMOTED}\n",
            "fault",
            "must be a mapping, was a list"),
        Arguments.of(
            "an unknown kind",
            GOOD.replace("kind: memory-stress", "kind: meteor"),
            "fault.kind",
            "unknown kind 'meteor'; known: pod-kill, latency"),
        Arguments.of(
            "a duration that is not ISO-8601",
            GOOD.replace("duration: PT2M", "duration: 2 minutes"),
            "fault.duration",
            "'2 minutes' is not an ISO-8601 duration"),
        Arguments.of(
            "a missing duration",
            GOOD.replace("  duration: PT2M\n", ""),
            "fault.duration",
            "is required"),
        Arguments.of(
            "a negative step",
            GOOD.replace("atStep: 2", "atStep: -1"),
            "fault.atStep",
            "must be 0"),
        Arguments.of(
            "a step that is text",
            GOOD.replace("atStep: 2", "atStep: two"),
            "fault.atStep",
            "must be a whole number"),
        Arguments.of(
            "an unknown track",
            GOOD.replace("track: canary", "track: blue"),
            "fault.track",
            "must be canary, stable or baseline"),
        Arguments.of(
            "production as text",
            GOOD.replace("track: canary", "track: canary\n  production: yes please"),
            "fault.production",
            "must be true or false"),
        Arguments.of(
            "a parameter the kind does not use",
            GOOD.replace("workers: 2", "delayMs: 100"),
            "fault.parameters.delayMs",
            "is not used by memory-stress (it takes workers, memory, image)"),
        Arguments.of(
            "an unknown parameter",
            GOOD.replace("workers: 2", "cores: 2"),
            "fault.parameters.cores",
            "unknown member; known: workers, memory, image"),
        Arguments.of(
            "a parameter of the wrong type",
            GOOD.replace("workers: 2", "workers: many"),
            "fault.parameters.workers",
            "'many' is not a whole number"),
        Arguments.of(
            "a fractional worker count",
            GOOD.replace("workers: 2", "workers: 1.5"),
            "fault.parameters.workers",
            "whole number"),
        Arguments.of(
            "a parameter out of range",
            GOOD.replace("memory: 512Mi", "memory: 64Gi"),
            "fault.parameters.memory",
            "must be in 1Mi..16Gi"),
        Arguments.of(
            "a phase that does not settle",
            GOOD.replace("phase: QUARANTINED", "phase: CANARY"),
            "expect.phase",
            "must be one of [ABORTED, PROMOTED, QUARANTINED]"),
        Arguments.of(
            "an RCA check on a promotion",
            GOOD.replace("phase: QUARANTINED", "phase: PROMOTED\n  rcaNamesFault: true"),
            "expect.rcaNamesFault",
            "only a QUARANTINED experiment"),
        Arguments.of(
            "a zero within",
            GOOD.replace("within: PT3M", "within: PT0S"),
            "expect.within",
            "must be positive"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void aBadFileIsRefusedNamingTheFileTheFieldAndTheProblem(
      String sentence, String yaml, String field, String problem) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOfSatisfying(
            GameDayFormatException.class,
            e -> {
              System.out.println(e.getMessage());
              assertThat(e.source()).isEqualTo("test.yaml");
              assertThat(e.field()).startsWith(field);
              assertThat(e.problem()).contains(problem);
              assertThat(e.getMessage()).startsWith("test.yaml: " + e.field() + ": ");
            });
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> GameDays.parse(missing))
        .isInstanceOf(GameDayFormatException.class)
        .hasMessage(missing + ": (file): no such file");
  }

  @Test
  void anUnknownShippedNameListsTheShippedOnes() {
    assertThatThrownBy(() -> GameDays.shipped("nope.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checkout-partition-at-step-2.yaml");
  }

  static GameDay parse(String yaml) {
    return GameDays.parse(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
  }
}
