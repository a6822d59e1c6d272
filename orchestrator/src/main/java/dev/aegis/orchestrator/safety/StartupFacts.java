package dev.aegis.orchestrator.safety;

import dev.aegis.orchestrator.standalone.demo.DemoCondition;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseSettings;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import dev.aegis.orchestrator.standalone.infrastructure.KafkaSettings;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.core.env.PropertySource;

/**
 * What the production checks look at, read once from the environment before anything starts.
 * Infrastructure settings are resolved as the servers resolve them ({@link KafkaSettings}, {@link
 * DatabaseSettings}), env names included.
 *
 * <p>Properties introduced here:
 *
 * <ul>
 *   <li>{@code aegis.security.development} [env {@code AEGIS_SECURITY_DEVELOPMENT}]: {@code true}
 *       says that a start on external servers is a development one, and turns the checks off for
 *       it; it does not turn them off under the {@code production} profile. Default false.
 *   <li>{@code aegis.kafka.allow-plaintext}: {@code true} accepts an unencrypted connection to a
 *       Kafka that is not on loopback. Default false.
 * </ul>
 *
 * @param productionProfile whether the {@code production} profile is active
 * @param development {@code aegis.security.development}
 * @param kafkaBootstrapServers the external Kafka, if configured
 * @param kafkaProtocols the security protocol each Kafka client (consumer, producer, admin) would
 *     use
 * @param kafkaPlaintextAllowed {@code aegis.kafka.allow-plaintext}
 * @param database the external PostgreSQL with its resolved credentials, if configured
 * @param kubernetesMode {@code aegis.kubernetes.mode}
 * @param simulatorEnabled {@code aegis.simulator.enabled} if set
 * @param apiAuth {@code aegis.api.auth}
 * @param apiToken the configured API token, if any
 * @param jwtConfigured whether an OAuth2 resource server JWT issuer, JWK set or public key is
 *     configured
 * @param sourceAllowList whether anything non-blank is configured under {@code
 *     aegis.kafka.trust.sources}
 * @param secretsOnCommandLine names of secret properties given as command-line arguments
 */
public record StartupFacts(
    boolean productionProfile,
    boolean development,
    Optional<String> kafkaBootstrapServers,
    Map<String, String> kafkaProtocols,
    boolean kafkaPlaintextAllowed,
    Optional<DatabaseUrl> database,
    String kubernetesMode,
    Optional<Boolean> simulatorEnabled,
    String apiAuth,
    Optional<String> apiToken,
    boolean jwtConfigured,
    boolean sourceAllowList,
    List<String> secretsOnCommandLine) {

  public static final String PRODUCTION_PROFILE = "production";
  public static final String DEVELOPMENT = "aegis.security.development";
  public static final String KAFKA_ALLOW_PLAINTEXT = "aegis.kafka.allow-plaintext";
  public static final String TRUSTED_SOURCES = "aegis.kafka.trust.sources";
  static final String API_AUTH = "aegis.api.auth";
  static final String API_TOKEN = "aegis.api.token";
  static final List<String> JWT_KEYS =
      List.of(
          "spring.security.oauth2.resourceserver.jwt.issuer-uri",
          "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
          "spring.security.oauth2.resourceserver.jwt.public-key-location");
  static final List<String> KAFKA_CLIENTS = List.of("consumer", "producer", "admin");

  /** Kafka's default when no security protocol is set. */
  static final String PLAINTEXT = "PLAINTEXT";

  private static final List<String> SECRET_ENDINGS =
      List.of("password", "secret", "token", "apikey", "privatekey", "credentials", "jaas.config");
  private static final Pattern CREDENTIALS_IN_URL =
      Pattern.compile("(?i)(://[^/@?]*:[^/@?]*@|[?&]password=)");

  public StartupFacts {
    kafkaProtocols = Map.copyOf(kafkaProtocols);
    secretsOnCommandLine = List.copyOf(secretsOnCommandLine);
  }

  /** Reads the facts from the environment as it stands before the context refreshes. */
  public static StartupFacts from(ConfigurableEnvironment env) {
    return new StartupFacts(
        env.acceptsProfiles(Profiles.of(PRODUCTION_PROFILE)),
        env.getProperty(DEVELOPMENT, Boolean.class, false),
        KafkaSettings.from(env).external(),
        kafkaProtocols(Binder.get(env)),
        env.getProperty(KAFKA_ALLOW_PLAINTEXT, Boolean.class, false),
        DatabaseSettings.from(env).external(),
        env.getProperty(DemoCondition.KUBERNETES_MODE, "embedded").trim(),
        Optional.ofNullable(env.getProperty(DemoCondition.SIMULATOR_ENABLED, Boolean.class)),
        env.getProperty(API_AUTH, "token").trim(),
        firstNonBlank(env, API_TOKEN, "AEGIS_API_TOKEN"),
        JWT_KEYS.stream().anyMatch(key -> firstNonBlank(env, key).isPresent()),
        hasValuesUnder(env, TRUSTED_SOURCES),
        secretsOnCommandLine(env));
  }

  /**
   * Whether a command-line argument named {@code name} with {@code value} carries a secret: a name
   * ending in password, secret, token (and the like), in either spelling ({@code aegis.api.token}
   * or {@code AEGIS_API_TOKEN}), or a URL with credentials in it.
   */
  static boolean isSecret(String name, String value) {
    String key = name.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "");
    if (SECRET_ENDINGS.stream().anyMatch(key::endsWith)) {
      return true;
    }
    boolean address = key.endsWith("url") || key.endsWith("uri");
    return address && value != null && CREDENTIALS_IN_URL.matcher(value).find();
  }

  /**
   * The protocol of each client, resolved as Spring Boot builds the client's properties: the
   * client's own {@code properties} map, then its {@code security.protocol}, then the same two
   * shared by all clients.
   */
  private static Map<String, String> kafkaProtocols(Binder binder) {
    String shared = protocol(binder, "spring.kafka").orElse(PLAINTEXT);
    Map<String, String> protocols = new LinkedHashMap<>();
    for (String client : KAFKA_CLIENTS) {
      protocols.put(client, protocol(binder, "spring.kafka." + client).orElse(shared));
    }
    return protocols;
  }

  private static Optional<String> protocol(Binder binder, String prefix) {
    String fromMap =
        binder
            .bind(prefix + ".properties", Bindable.mapOf(String.class, String.class))
            .map(properties -> properties.get("security.protocol"))
            .orElse(null);
    String own = binder.bind(prefix + ".security.protocol", String.class).orElse(null);
    return Stream.of(fromMap, own)
        .filter(value -> value != null && !value.isBlank())
        .map(value -> value.trim().toUpperCase(Locale.ROOT))
        .findFirst();
  }

  private static boolean hasValuesUnder(ConfigurableEnvironment env, String prefix) {
    ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
      if (source instanceof IterableConfigurationPropertySource names) {
        for (ConfigurationPropertyName name : names) {
          boolean under = root.equals(name) || root.isAncestorOf(name);
          if (under && nonBlank(env, source.getConfigurationProperty(name))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean nonBlank(Environment env, ConfigurationProperty property) {
    // Raw values may be placeholders such as ${TRUSTED_SOURCES:}, which count only if they resolve
    // to text.
    return property != null
        && property.getValue() != null
        && !env.resolvePlaceholders(String.valueOf(property.getValue())).isBlank();
  }

  private static List<String> secretsOnCommandLine(ConfigurableEnvironment env) {
    PropertySource<?> source =
        env.getPropertySources().get(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME);
    if (!(source instanceof EnumerablePropertySource<?> arguments)) {
      return List.of();
    }
    return Arrays.stream(arguments.getPropertyNames())
        .filter(name -> isSecret(name, String.valueOf(arguments.getProperty(name))))
        .sorted()
        .toList();
  }

  /**
   * The first non-blank value among {@code keys}, as the infrastructure settings look values up.
   */
  private static Optional<String> firstNonBlank(Environment env, String... keys) {
    return Arrays.stream(keys)
        .map(env::getProperty)
        .filter(value -> value != null && !value.isBlank())
        .map(String::trim)
        .findFirst();
  }
}
