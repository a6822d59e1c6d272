package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseUrlTest {

  @ParameterizedTest(name = "{0} becomes {1} as {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
      postgres://aegis:s3cret@db.internal:6543/aegis                | jdbc:postgresql://db.internal:6543/aegis                | aegis | s3cret
      postgresql://aegis:s3cret@db.internal/aegis?sslmode=require   | jdbc:postgresql://db.internal/aegis?sslmode=require     | aegis | s3cret
      postgres://user%40corp:p%40ss%2Fw+rd@db:5432/aegis             | jdbc:postgresql://db:5432/aegis                         | user@corp | p@ss/w+rd
      postgres://aegis@db/aegis                                      | jdbc:postgresql://db/aegis                              | aegis | null
      postgres://db1:5432,db2:5432/aegis?targetServerType=primary    | jdbc:postgresql://db1:5432,db2:5432/aegis?targetServerType=primary | null | null
      POSTGRES://a:b@[::1]:5432/aegis                                | jdbc:postgresql://[::1]:5432/aegis                      | a | b
      postgres://a:b@db?sslmode=disable                              | jdbc:postgresql://db/?sslmode=disable                   | a | b
      jdbc:postgresql://db:5432/aegis?user=x                         | jdbc:postgresql://db:5432/aegis?user=x                  | null | null
      """)
  void parsesEveryAcceptedForm(String url, String jdbcUrl, String username, String password) {
    DatabaseUrl parsed = DatabaseUrl.parse(url);

    assertThat(parsed.jdbcUrl()).isEqualTo(jdbcUrl);
    assertThat(parsed.username()).isEqualTo(username);
    assertThat(parsed.password()).isEqualTo(password);
  }

  @Test
  void explicitCredentialsReplaceThoseOfTheUrlButBlankOnesDoNot() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://a:b@db/aegis");

    assertThat(url.withCredentials("ops", "pw"))
        .extracting(DatabaseUrl::username, DatabaseUrl::password)
        .containsExactly("ops", "pw");
    assertThat(url.withCredentials(" ", null)).isEqualTo(url);
  }

  @Test
  void neverShowsAPasswordWhenPrinted() {
    DatabaseUrl url =
        DatabaseUrl.parse("jdbc:postgresql://db/aegis?user=a&password=hunter2&ssl=true")
            .withCredentials(null, "s3cret");

    assertThat(url.toString()).doesNotContain("hunter2", "s3cret").contains("password=***");
    assertThat(url.redactedJdbcUrl())
        .isEqualTo("jdbc:postgresql://db/aegis?user=a&password=***&ssl=true");
  }

  @Test
  void rejectsOtherSchemesWithoutRepeatingTheUrl() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://root:hunter2@db/aegis"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("  ")).isInstanceOf(IllegalArgumentException.class);
  }
}
