package dev.aegis.orchestrator.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.orchestrator.AegisApplication;
import dev.aegis.orchestrator.safety.Refusal.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The checks in a real {@link SpringApplication}: a refused start ends before any bean definition
 * is loaded, and Spring Boot reports every problem. Secrets from mounted files come through {@code
 * AEGIS_SECRETS_DIR}.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupSafetyApplicationTest {

  private static final String TOKEN = "f3b1c0de9a8e4d2b7c6a5f4e3d2c1b0a99887766";

  /** Nothing but the environment: what a start that the checks let through would refresh. */
  @Configuration(proxyBeanMethods = false)
  static class Empty {}

  @Test
  @DisplayName(
      "a production start of the application is refused before anything starts, with every problem")
  void productionStartRefused(CapturedOutput output) {
    List<ApplicationEvent> events = new CopyOnWriteArrayList<>();
    SpringApplication application = new SpringApplication(AegisApplication.class);
    application.addListeners((ApplicationListener<ApplicationEvent>) events::add);

    // Should the checks ever let it through, the servers it would start stay out of the way.
    assertThatThrownBy(
            () ->
                application.run(
                    "--spring.profiles.active=production",
                    "--server.port=0",
                    "--aegis.kafka.embedded.port=0",
                    "--aegis.database.embedded.data-dir=ephemeral"))
        .isInstanceOfSatisfying(
            UnsafeStartException.class,
            refused ->
                assertThat(refused.refusals())
                    .extracting(Refusal::reason)
                    .containsExactly(
                        Reason.NO_AUTHENTICATION,
                        Reason.EMBEDDED_DATABASE,
                        Reason.EMBEDDED_KAFKA,
                        Reason.SIMULATOR_ON,
                        Reason.EMBEDDED_KUBERNETES,
                        Reason.NO_SOURCE_ALLOW_LIST));

    assertThat(events)
        .anyMatch(ApplicationEnvironmentPreparedEvent.class::isInstance)
        .as("no bean definition loaded, nothing refreshed")
        .noneMatch(ApplicationPreparedEvent.class::isInstance);
    assertThat(output.getOut() + output.getErr())
        .contains(
            "APPLICATION FAILED TO START",
            "Aegis refuses to start, because the production profile is active",
            "1. no authentication is configured",
            "Fix: set AEGIS_API_TOKEN",
            "6. no allow-list of event sources is configured",
            "docs/production.md");
  }

  @Test
  @DisplayName(
      "external servers without aegis.security.development=true are refused; with it, the start goes on")
  void externalServersNeedAcknowledgement() {
    String[] arguments = {
      "--aegis.kafka.bootstrap-servers=kafka.dev.internal:9092", "--aegis.api.token=hunter2"
    };

    assertThatThrownBy(() -> run(arguments))
        .isInstanceOfSatisfying(
            UnsafeStartException.class,
            refused -> {
              assertThat(refused.refusals())
                  .extracting(Refusal::reason)
                  .containsExactly(
                      Reason.SHORT_TOKEN,
                      Reason.KAFKA_PLAINTEXT,
                      Reason.EMBEDDED_KUBERNETES,
                      Reason.NO_SOURCE_ALLOW_LIST,
                      Reason.SECRET_ON_COMMAND_LINE);
              assertThat(refused.getMessage()).doesNotContain("hunter2");
            });

    try (ConfigurableApplicationContext started =
        run(append(arguments, "--aegis.security.development=true"))) {
      assertThat(started.isActive()).isTrue();
    }
  }

  @Test
  @DisplayName("the production profile is checked even with aegis.security.development=true")
  void developmentDoesNotCoverProduction() {
    assertThatThrownBy(
            () -> run("--spring.profiles.active=production", "--aegis.security.development=true"))
        .isInstanceOf(UnsafeStartException.class);
  }

  @Test
  @DisplayName("a file in AEGIS_SECRETS_DIR supplies aegis.api.token")
  void tokenFromMountedFile(@TempDir Path secrets) throws IOException {
    Files.writeString(secrets.resolve("aegis.api.token"), TOKEN + "\n");

    try (ConfigurableApplicationContext started = run("--AEGIS_SECRETS_DIR=" + secrets + "/")) {
      ConfigurableEnvironment env = started.getEnvironment();
      assertThat(env.getProperty("aegis.api.token")).isEqualTo(TOKEN);
      assertThat(StartupFacts.from(env).apiToken()).contains(TOKEN);
    }
  }

  @Test
  @DisplayName(
      "in production, a token and a database password from mounted files satisfy those checks")
  void mountedSecretsSatisfyProduction(@TempDir Path secrets) throws IOException {
    Files.writeString(secrets.resolve("AEGIS_API_TOKEN"), TOKEN + "\n");
    Files.writeString(secrets.resolve("DATABASE_PASSWORD"), "database-secret\n");

    assertThatThrownBy(
            () ->
                run(
                    "--spring.profiles.active=production",
                    "--AEGIS_SECRETS_DIR=" + secrets + "/",
                    "--aegis.database.url=jdbc:postgresql://db.prod.internal:5432/aegis"))
        .isInstanceOfSatisfying(
            UnsafeStartException.class,
            refused ->
                assertThat(refused.refusals())
                    .extracting(Refusal::reason)
                    .doesNotContain(
                        Reason.NO_AUTHENTICATION,
                        Reason.SHORT_TOKEN,
                        Reason.DATABASE_PASSWORD_EMPTY,
                        Reason.SECRET_ON_COMMAND_LINE)
                    .contains(Reason.EMBEDDED_KAFKA));
  }

  private static ConfigurableApplicationContext run(String... arguments) {
    SpringApplication application = new SpringApplication(Empty.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    return application.run(arguments);
  }

  private static String[] append(String[] arguments, String argument) {
    String[] all = Arrays.copyOf(arguments, arguments.length + 1);
    all[arguments.length] = argument;
    return all;
  }
}
