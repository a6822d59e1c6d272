package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class InfrastructureSettingsTest {

  @Test
  void withNothingConfiguredEverythingIsEmbeddedWithPersistentPostgresData() {
    MockEnvironment env = new MockEnvironment();

    DatabaseSettings database = DatabaseSettings.from(env);
    KafkaSettings kafka = KafkaSettings.from(env);

    assertThat(database.external()).isEmpty();
    assertThat(database.embeddedDataDirectory())
        .contains(Path.of(System.getProperty("user.home"), ".aegis", "postgres"));
    assertThat(database.embeddedPort()).isZero();
    assertThat(kafka)
        .isEqualTo(
            new KafkaSettings(
                Optional.empty(),
                9092,
                3,
                Optional.of(Path.of(System.getProperty("user.home"), ".aegis", "kafka")),
                true));
  }

  @Test
  void oneDataDirectoryHoldsEveryEmbeddedServerUnlessPostgresIsPlacedElsewhere() {
    MockEnvironment env = new MockEnvironment().withProperty("aegis.data-dir", "/srv/aegis");

    assertThat(DatabaseSettings.from(env).embeddedDataDirectory())
        .contains(Path.of("/srv/aegis/postgres"));
    assertThat(KafkaSettings.from(env).embeddedDataDirectory())
        .contains(Path.of("/srv/aegis/kafka"));
    assertThat(DataDirectory.from(env).resolve(DataDirectory.KUBERNETES))
        .contains(Path.of("/srv/aegis/kubernetes"));

    env.setProperty("aegis.database.embedded.data-dir", "/fast/pg");
    assertThat(DatabaseSettings.from(env).embeddedDataDirectory()).contains(Path.of("/fast/pg"));
  }

  @Test
  void anEphemeralDataDirectoryMakesEveryEmbeddedServerEphemeralAndTheBrokerSkipsFsync() {
    for (String value : new String[] {"", "ephemeral"}) {
      MockEnvironment env = new MockEnvironment().withProperty("aegis.data-dir", value);

      assertThat(DatabaseSettings.from(env).embeddedDataDirectory()).isEmpty();
      assertThat(KafkaSettings.from(env).embeddedDataDirectory()).isEmpty();
      assertThat(KafkaSettings.from(env).embeddedFsync()).isFalse();
      assertThat(DataDirectory.from(env).resolve(DataDirectory.KUBERNETES)).isEmpty();
    }
  }

  @Test
  void theBrokersFsyncOfEveryWriteCanBeTurnedOff() {
    MockEnvironment env = new MockEnvironment().withProperty("aegis.kafka.embedded.fsync", "false");

    assertThat(KafkaSettings.from(env).embeddedFsync()).isFalse();
    assertThat(KafkaSettings.from(env).embeddedDataDirectory()).isPresent();
  }

  @Test
  void theDocumentedEnvironmentVariablesSelectExternalServers() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("DATABASE_URL", "postgres://u:p@db:5432/aegis")
            .withProperty("DATABASE_USERNAME", "ops")
            .withProperty("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092");

    DatabaseUrl url = DatabaseSettings.from(env).external().orElseThrow();

    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/aegis");
    assertThat(url.username()).isEqualTo("ops");
    assertThat(url.password()).isEqualTo("p");
    assertThat(KafkaSettings.from(env).external()).contains("k1:9092,k2:9092");
  }

  @Test
  void aegisPropertiesWinOverEnvironmentVariablesAndBlankMeansUnset() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("aegis.database.url", "jdbc:postgresql://mine/aegis")
            .withProperty("DATABASE_URL", "postgres://u:p@theirs/aegis")
            .withProperty("aegis.kafka.bootstrap-servers", "")
            .withProperty("KAFKA_BOOTSTRAP_SERVERS", "k:9092");

    assertThat(DatabaseSettings.from(env).external().orElseThrow().jdbcUrl())
        .isEqualTo("jdbc:postgresql://mine/aegis");
    assertThat(KafkaSettings.from(env).external()).contains("k:9092");
  }

  @Test
  void anEmptyOrEphemeralDataDirectoryMeansATemporaryOne() {
    assertThat(dataDirectory("")).isEmpty();
    assertThat(dataDirectory("ephemeral")).isEmpty();
    assertThat(dataDirectory("/var/lib/aegis")).contains(Path.of("/var/lib/aegis"));
  }

  @Test
  void embeddedPortsAndPartitionsAreConfigurable() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("aegis.database.embedded.port", "15432")
            .withProperty("aegis.kafka.embedded.port", "0")
            .withProperty("aegis.kafka.embedded.partitions", "1");

    assertThat(DatabaseSettings.from(env).embeddedPort()).isEqualTo(15432);
    assertThat(KafkaSettings.from(env).embeddedPort()).isZero();
    assertThat(KafkaSettings.from(env).embeddedPartitions()).isEqualTo(1);
  }

  private static Optional<Path> dataDirectory(String value) {
    return DatabaseSettings.from(
            new MockEnvironment().withProperty("aegis.database.embedded.data-dir", value))
        .embeddedDataDirectory();
  }
}
