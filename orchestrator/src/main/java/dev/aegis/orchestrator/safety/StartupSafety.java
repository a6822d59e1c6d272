package dev.aegis.orchestrator.safety;

import dev.aegis.orchestrator.safety.Refusal.Reason;
import dev.aegis.orchestrator.standalone.demo.DemoCondition;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The production checks, as pure functions of {@link StartupFacts}. */
public final class StartupSafety {

  static final int MIN_TOKEN_LENGTH = 32;
  static final String DEV_TOKEN_PREFIX = "dev-";
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)[?&]password=[^&]+");
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

  private StartupSafety() {}

  /**
   * Why the checks apply to this start: the production profile, and external servers unless {@code
   * aegis.security.development=true}. Empty means they do not apply.
   */
  public static List<String> triggers(StartupFacts facts) {
    List<String> triggers = new ArrayList<>();
    if (facts.productionProfile()) {
      triggers.add("the production profile is active");
    }
    List<String> external = externalServers(facts);
    if (!facts.development() && !external.isEmpty()) {
      triggers.add("external servers are configured (" + String.join(", ", external) + ")");
    }
    return triggers;
  }

  /** The external servers configured, by the setting that selects each. */
  public static List<String> externalServers(StartupFacts facts) {
    List<String> external = new ArrayList<>();
    facts
        .kafkaBootstrapServers()
        .ifPresent(servers -> external.add("aegis.kafka.bootstrap-servers"));
    facts.database().ifPresent(database -> external.add("aegis.database.url"));
    if (!DemoCondition.kubernetesEmbedded(facts.kubernetesMode())) {
      external.add("aegis.kubernetes.mode=" + facts.kubernetesMode());
    }
    return external;
  }

  /** Every reason to refuse this start, in a fixed order; empty when it may go ahead. */
  public static List<Refusal> check(StartupFacts facts) {
    if (triggers(facts).isEmpty()) {
      return List.of();
    }
    List<Refusal> refusals = new ArrayList<>();
    authentication(facts, refusals);
    database(facts, refusals);
    kafka(facts, refusals);
    demo(facts, refusals);
    if (!"external".equalsIgnoreCase(facts.kubernetesMode())) {
      refusals.add(Refusal.of(Reason.EMBEDDED_KUBERNETES, facts.kubernetesMode()));
    }
    if (!facts.sourceAllowList()) {
      refusals.add(Refusal.of(Reason.NO_SOURCE_ALLOW_LIST));
    }
    if (!facts.secretsOnCommandLine().isEmpty()) {
      refusals.add(
          Refusal.of(
              Reason.SECRET_ON_COMMAND_LINE, String.join(", ", facts.secretsOnCommandLine())));
    }
    return List.copyOf(refusals);
  }

  private static void authentication(StartupFacts facts, List<Refusal> refusals) {
    if ("none".equalsIgnoreCase(facts.apiAuth())) {
      refusals.add(Refusal.of(Reason.AUTH_DISABLED));
    }
    if (facts.apiToken().isEmpty() && !facts.jwtConfigured()) {
      refusals.add(Refusal.of(Reason.NO_AUTHENTICATION));
    }
    facts
        .apiToken()
        .ifPresent(
            token -> {
              if (token.startsWith(DEV_TOKEN_PREFIX)) {
                refusals.add(Refusal.of(Reason.DEV_TOKEN));
              }
              if (token.length() < MIN_TOKEN_LENGTH) {
                refusals.add(Refusal.of(Reason.SHORT_TOKEN, token.length()));
              }
            });
  }

  private static void database(StartupFacts facts, List<Refusal> refusals) {
    if (facts.database().isEmpty()) {
      if (facts.productionProfile()) {
        refusals.add(Refusal.of(Reason.EMBEDDED_DATABASE));
      }
    } else if (!hasPassword(facts.database().get())) {
      refusals.add(
          Refusal.of(Reason.DATABASE_PASSWORD_EMPTY, facts.database().get().redactedJdbcUrl()));
    }
  }

  private static boolean hasPassword(DatabaseUrl database) {
    return (database.password() != null && !database.password().isBlank())
        || PASSWORD_PARAMETER.matcher(database.jdbcUrl()).find();
  }

  private static void kafka(StartupFacts facts, List<Refusal> refusals) {
    if (facts.kafkaBootstrapServers().isEmpty()) {
      if (facts.productionProfile()) {
        refusals.add(Refusal.of(Reason.EMBEDDED_KAFKA));
      }
      return;
    }
    List<String> remote = nonLoopbackServers(facts.kafkaBootstrapServers().get());
    List<String> plaintext = plaintextClients(facts.kafkaProtocols());
    if (!remote.isEmpty() && !plaintext.isEmpty() && !facts.kafkaPlaintextAllowed()) {
      refusals.add(
          Refusal.of(
              Reason.KAFKA_PLAINTEXT, String.join(",", remote), String.join(", ", plaintext)));
    }
  }

  /**
   * "PLAINTEXT (consumer, producer)" and the like: each unencrypted protocol with the clients using
   * it.
   */
  private static List<String> plaintextClients(Map<String, String> protocols) {
    return new TreeSet<>(protocols.values())
        .stream()
            .filter(protocol -> protocol.toUpperCase(Locale.ROOT).endsWith(StartupFacts.PLAINTEXT))
            .map(
                protocol ->
                    protocol
                        + " ("
                        + String.join(
                            ", ",
                            StartupFacts.KAFKA_CLIENTS.stream()
                                .filter(client -> protocol.equals(protocols.get(client)))
                                .toList())
                        + ")")
            .toList();
  }

  /**
   * The entries of a bootstrap list whose host is not a loopback address; names are not resolved.
   */
  static List<String> nonLoopbackServers(String bootstrapServers) {
    return Arrays.stream(bootstrapServers.split(","))
        .map(String::trim)
        .filter(entry -> !entry.isEmpty() && !isLoopback(host(entry)))
        .toList();
  }

  private static String host(String entry) {
    String address = entry.contains("://") ? entry.substring(entry.indexOf("://") + 3) : entry;
    if (address.startsWith("[")) {
      int end = address.indexOf(']');
      return end < 0 ? address.substring(1) : address.substring(1, end);
    }
    int colon = address.lastIndexOf(':');
    return colon < 0 ? address : address.substring(0, colon);
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1")
        || IPV4_LOOPBACK.matcher(h).matches();
  }

  private static void demo(StartupFacts facts, List<Refusal> refusals) {
    boolean explicit = facts.simulatorEnabled().orElse(false);
    boolean byDefault =
        DemoCondition.runs(
            facts.simulatorEnabled(),
            DemoCondition.kubernetesEmbedded(facts.kubernetesMode()),
            facts.kafkaBootstrapServers().isEmpty(),
            facts.database().isEmpty());
    if (explicit) {
      refusals.add(Refusal.of(Reason.SIMULATOR_ON, "aegis.simulator.enabled=true"));
    } else if (byDefault) {
      refusals.add(
          Refusal.of(
              Reason.SIMULATOR_ON, "by default, as Kafka, PostgreSQL and Kubernetes are embedded"));
    }
  }
}
