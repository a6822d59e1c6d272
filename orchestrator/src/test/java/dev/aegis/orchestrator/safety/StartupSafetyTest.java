package dev.aegis.orchestrator.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.aegis.orchestrator.safety.Refusal.Reason;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The production checks as a table: one change to a safe production start, and what it is refused
 * for.
 */
class StartupSafetyTest {

  private static final String GOOD_TOKEN = "0123456789abcdef0123456789abcdef01234567";
  private static final DatabaseUrl PROTECTED_DATABASE =
      new DatabaseUrl("jdbc:postgresql://db.prod.internal:5432/aegis", "aegis", "database-secret");

  @Test
  @DisplayName("a start with the production checklist done is not refused")
  void safeProductionStart() {
    assertThat(StartupSafety.check(Facts.safeProduction().build())).isEmpty();
  }

  static Stream<Arguments> oneChange() {
    return Stream.of(
        row(
            "no token and no JWT issuer: no authentication",
            f -> f.token(null),
            Reason.NO_AUTHENTICATION),
        row("a JWT issuer without a token is authentication enough", f -> f.token(null).jwt(true)),
        row(
            "aegis.api.auth=none turns authentication off",
            f -> f.auth("none"),
            Reason.AUTH_DISABLED),
        row("aegis.api.auth=NONE, in any case", f -> f.auth("NONE"), Reason.AUTH_DISABLED),
        row(
            "a dev- token is a development token",
            f -> f.token("dev-0123456789abcdef0123456789abcdef"),
            Reason.DEV_TOKEN),
        row(
            "a token of 31 characters is too short",
            f -> f.token("x".repeat(31)),
            Reason.SHORT_TOKEN),
        row("a token of 32 characters is long enough", f -> f.token("x".repeat(32))),
        row(
            "an external database without a password",
            f ->
                f.database(
                    new DatabaseUrl("jdbc:postgresql://db.prod.internal/aegis", "aegis", null)),
            Reason.DATABASE_PASSWORD_EMPTY),
        row(
            "an external database with a blank password",
            f ->
                f.database(
                    new DatabaseUrl("jdbc:postgresql://db.prod.internal/aegis", "aegis", "  ")),
            Reason.DATABASE_PASSWORD_EMPTY),
        row(
            "a password inside the JDBC URL counts",
            f ->
                f.database(
                    new DatabaseUrl(
                        "jdbc:postgresql://db/aegis?user=aegis&password=pw", null, null))),
        row(
            "an empty password parameter inside the JDBC URL does not",
            f ->
                f.database(
                    new DatabaseUrl("jdbc:postgresql://db/aegis?password=&user=aegis", null, null)),
            Reason.DATABASE_PASSWORD_EMPTY),
        row("the embedded database in production", f -> f.database(null), Reason.EMBEDDED_DATABASE),
        row(
            "Kafka PLAINTEXT (unset) to a remote broker",
            f -> f.protocols("PLAINTEXT"),
            Reason.KAFKA_PLAINTEXT),
        row(
            "Kafka SASL_PLAINTEXT on the producer only is still unencrypted",
            f ->
                f.protocols(
                    Map.of("consumer", "SASL_SSL", "producer", "SASL_PLAINTEXT", "admin", "SSL")),
            Reason.KAFKA_PLAINTEXT),
        row(
            "Kafka plaintext to loopback addresses only is accepted",
            f ->
                f.protocols("PLAINTEXT")
                    .kafka("127.0.0.1:9092,localhost:9093,[::1]:9094,PLAINTEXT://127.1.2.3:9095")),
        row(
            "Kafka plaintext to one remote broker among loopback ones",
            f -> f.protocols("PLAINTEXT").kafka("localhost:9092,10.0.0.7:9092"),
            Reason.KAFKA_PLAINTEXT),
        row(
            "Kafka plaintext with aegis.kafka.allow-plaintext=true is accepted",
            f -> f.protocols("PLAINTEXT").allowPlaintext(true)),
        row("the embedded broker in production", f -> f.kafka(null), Reason.EMBEDDED_KAFKA),
        row("aegis.simulator.enabled=true", f -> f.simulator(true), Reason.SIMULATOR_ON),
        row("aegis.simulator.enabled=false", f -> f.simulator(false)),
        row(
            "the embedded Kubernetes API",
            f -> f.kubernetes("embedded"),
            Reason.EMBEDDED_KUBERNETES),
        row(
            "a Kubernetes mode other than external",
            f -> f.kubernetes("extrenal"),
            Reason.EMBEDDED_KUBERNETES),
        row("no allow-list of event sources", f -> f.sources(false), Reason.NO_SOURCE_ALLOW_LIST),
        row(
            "a secret on the command line",
            f -> f.secrets("aegis.api.token"),
            Reason.SECRET_ON_COMMAND_LINE),
        row(
            "everything embedded in production: the demo runs by default",
            f -> f.kafka(null).database(null).kubernetes("embedded"),
            Reason.EMBEDDED_DATABASE,
            Reason.EMBEDDED_KAFKA,
            Reason.SIMULATOR_ON,
            Reason.EMBEDDED_KUBERNETES),
        row(
            "everything embedded in production, the demo turned off",
            f -> f.kafka(null).database(null).kubernetes("embedded").simulator(false),
            Reason.EMBEDDED_DATABASE,
            Reason.EMBEDDED_KAFKA,
            Reason.EMBEDDED_KUBERNETES),
        row(
            "auth=none and no token: both problems",
            f -> f.auth("none").token(null),
            Reason.NO_AUTHENTICATION,
            Reason.AUTH_DISABLED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneChange")
  void refusedFor(UnaryOperator<Facts> change, List<Reason> expected) {
    List<Refusal> refusals = StartupSafety.check(change.apply(Facts.safeProduction()).build());
    assertThat(refusals).extracting(Refusal::reason).containsExactlyInAnyOrderElementsOf(expected);
  }

  static Stream<Arguments> triggers() {
    return Stream.of(
        trigger("standalone, no production profile: nothing is checked", f -> f, false),
        trigger("external Kafka alone", f -> f.kafka("kafka.prod.internal:9092"), true),
        trigger("an external database alone", f -> f.database(PROTECTED_DATABASE), true),
        trigger("an external Kubernetes cluster alone", f -> f.kubernetes("external"), true),
        trigger(
            "external servers with aegis.security.development=true",
            f ->
                f.kafka("kafka.prod.internal:9092")
                    .database(PROTECTED_DATABASE)
                    .kubernetes("external")
                    .development(true),
            false),
        trigger("the production profile alone", f -> f.production(true), true),
        trigger(
            "the production profile with aegis.security.development=true",
            f -> f.production(true).development(true),
            true));
  }

  @ParameterizedTest(name = "{0}: checked = {1}")
  @MethodSource("triggers")
  void checkedWhen(UnaryOperator<Facts> change, boolean checked) {
    // From an unsafe standalone start: every check that applies has something to refuse.
    StartupFacts facts = change.apply(Facts.unsafeStandalone()).build();
    assertThat(StartupSafety.check(facts).isEmpty()).isNotEqualTo(checked);
    assertThat(StartupSafety.triggers(facts).isEmpty()).isNotEqualTo(checked);
  }

  @Test
  @DisplayName(
      "outside production, external servers do not make the embedded database or broker a problem")
  void embeddedServersOnlyRefusedInProduction() {
    StartupFacts facts = Facts.safeProduction().production(false).kafka(null).build();
    assertThat(StartupSafety.check(facts)).isEmpty();
  }

  @Test
  @DisplayName("the message lists every problem with its fix, and no secret value")
  void messageListsEveryProblem() {
    StartupFacts facts =
        Facts.safeProduction()
            .token("hunter2-short")
            .protocols("PLAINTEXT")
            .database(
                new DatabaseUrl(
                    "jdbc:postgresql://db.prod.internal/aegis?password=", "aegis", null))
            .secrets("aegis.api.token")
            .build();
    List<Refusal> refusals = StartupSafety.check(facts);
    UnsafeStartException refused =
        new UnsafeStartException(StartupSafety.triggers(facts), refusals);

    assertThat(refusals).hasSize(4);
    assertThat(refused.getMessage())
        .startsWith(
            "Aegis refuses to start, because the production profile is active and external servers are"
                + " configured (aegis.kafka.bootstrap-servers, aegis.database.url, aegis.kubernetes.mode=external)")
        .contains(
            "1. aegis.api.token has 13 characters, fewer than 32",
            "2. the database at",
            "3. Kafka at kafka-1.prod.internal:9093,kafka-2.prod.internal:9093 is reached over PLAINTEXT"
                + " (consumer, producer, admin), unencrypted",
            "4. secrets are given on the command line (aegis.api.token)")
        .doesNotContain("hunter2", "database-secret");
    for (Refusal refusal : refusals) {
      assertThat(refused.getMessage()).contains(refusal.problem(), "Fix: " + refusal.fix());
    }
    assertThat(refused.action())
        .contains("docs/production.md")
        .doesNotContain("aegis.security.development");
  }

  @Test
  @DisplayName(
      "refused for external servers only, the message says how a development setup acknowledges them")
  void developmentHint() {
    StartupFacts facts = Facts.unsafeStandalone().kafka("kafka.dev.internal:9092").build();
    UnsafeStartException refused =
        new UnsafeStartException(StartupSafety.triggers(facts), StartupSafety.check(facts));
    assertThat(refused.action()).contains("aegis.security.development=true");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "kafka:9092|kafka:9092",
        "127.0.0.1:9092, localhost:9093|''",
        "[::1]:9092,[2001:db8::1]:9092|[2001:db8::1]:9092",
        "SASL_SSL://broker.example:9093|SASL_SSL://broker.example:9093",
        "localhost.example.com:9092|localhost.example.com:9092"
      })
  @DisplayName("bootstrap entries whose host is not loopback")
  void nonLoopback(String servers, String expected) {
    assertThat(String.join(",", StartupSafety.nonLoopbackServers(servers))).isEqualTo(expected);
  }

  private static Arguments row(String sentence, UnaryOperator<Facts> change, Reason... expected) {
    return arguments(Named.of(sentence, change), List.of(expected));
  }

  private static Arguments trigger(String sentence, UnaryOperator<Facts> change, boolean checked) {
    return arguments(Named.of(sentence, change), checked);
  }

  /** A mutable stand-in for {@link StartupFacts}, so each row states only what it changes. */
  static final class Facts {
    private boolean production;
    private boolean development;
    private String kafka;
    private Map<String, String> protocols;
    private boolean allowPlaintext;
    private DatabaseUrl database;
    private String kubernetes;
    private Boolean simulator;
    private String auth = "token";
    private String token;
    private boolean jwt;
    private boolean sources;
    private List<String> secrets = List.of();

    static Facts safeProduction() {
      return new Facts()
          .production(true)
          .kafka("kafka-1.prod.internal:9093,kafka-2.prod.internal:9093")
          .protocols("SASL_SSL")
          .database(PROTECTED_DATABASE)
          .kubernetes("external")
          .token(GOOD_TOKEN)
          .sources(true);
    }

    /**
     * Everything embedded, demo on, no authentication, no allow-list: fine only as long as no check
     * applies.
     */
    static Facts unsafeStandalone() {
      return new Facts()
          .protocols("PLAINTEXT")
          .kubernetes("embedded")
          .auth("none")
          .sources(false)
          .secrets("aegis.api.token");
    }

    Facts production(boolean value) {
      production = value;
      return this;
    }

    Facts development(boolean value) {
      development = value;
      return this;
    }

    Facts kafka(String value) {
      kafka = value;
      return this;
    }

    Facts protocols(String all) {
      return protocols(Map.of("consumer", all, "producer", all, "admin", all));
    }

    Facts protocols(Map<String, String> value) {
      protocols = value;
      return this;
    }

    Facts allowPlaintext(boolean value) {
      allowPlaintext = value;
      return this;
    }

    Facts database(DatabaseUrl value) {
      database = value;
      return this;
    }

    Facts kubernetes(String value) {
      kubernetes = value;
      return this;
    }

    Facts simulator(Boolean value) {
      simulator = value;
      return this;
    }

    Facts auth(String value) {
      auth = value;
      return this;
    }

    Facts token(String value) {
      token = value;
      return this;
    }

    Facts jwt(boolean value) {
      jwt = value;
      return this;
    }

    Facts sources(boolean value) {
      sources = value;
      return this;
    }

    Facts secrets(String... names) {
      secrets = List.of(names);
      return this;
    }

    StartupFacts build() {
      return new StartupFacts(
          production,
          development,
          Optional.ofNullable(kafka),
          protocols,
          allowPlaintext,
          Optional.ofNullable(database),
          kubernetes,
          Optional.ofNullable(simulator),
          auth,
          Optional.ofNullable(token),
          jwt,
          sources,
          secrets);
    }
  }
}
