package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.TimeZone;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class JdbiFactoryIT {

  @Test
  void instantsRoundTripExactlyWhateverTheJvmTimeZone() {
    TimeZone original = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
    try (TestDatabase database = SharedInfrastructure.postgres().createDatabase()) {
      Jdbi jdbi = database.jdbi();
      Instant at = Instant.parse("2025-03-30T01:30:00.123456Z");
      jdbi.useHandle(
          h -> {
            h.execute("CREATE TABLE times (at timestamptz, day date)");
            h.execute("INSERT INTO times VALUES (?, ?)", at, LocalDate.of(2025, 3, 30));
          });

      Instant read = one(jdbi, "SELECT at FROM times", Instant.class).orElseThrow();
      OffsetDateTime readWithOffset =
          one(jdbi, "SELECT at FROM times", OffsetDateTime.class).orElseThrow();
      String storedAsUtc =
          one(
                  jdbi,
                  "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM times",
                  String.class)
              .orElseThrow();

      assertThat(read).isEqualTo(at);
      assertThat(readWithOffset.toInstant()).isEqualTo(at);
      assertThat(storedAsUtc).isEqualTo("2025-03-30 01:30:00.123456");
      assertThat(one(jdbi, "SELECT day FROM times", LocalDate.class))
          .contains(LocalDate.of(2025, 3, 30));
    } finally {
      TimeZone.setDefault(original);
    }
  }

  @Test
  void nullInstantsStayNull() {
    try (TestDatabase database = SharedInfrastructure.postgres().createDatabase()) {
      Jdbi jdbi = database.jdbi();
      jdbi.useHandle(
          h -> {
            h.execute("CREATE TABLE times (at timestamptz)");
            h.createUpdate("INSERT INTO times VALUES (:at)")
                .bindByType("at", null, Instant.class)
                .execute();
          });

      assertThat(one(jdbi, "SELECT at FROM times", Instant.class)).isEmpty();
    }
  }

  private static <T> Optional<T> one(Jdbi jdbi, String sql, Class<T> type) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(type).findOne());
  }
}
