package dev.aegis.orchestrator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * {@link LogIdentity} puts what a piece of work is about into the MDC and gives back what was
 * there; the application's own pattern (logging.pattern.correlation in application.yml, through
 * logback-spring.xml) prints the keys that are set, escaped, and nothing when none is.
 */
class LogIdentityTest {

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Nested
  class Mdc {

    @Test
    @DisplayName("the given keys are in the MDC while the identity is open, a null one is left out")
    void putsTheKeysThatAreGiven() {
      try (LogIdentity ignored = LogIdentity.of("ev-1", "exp-1", null, "demo/checkout")) {
        assertThat(MDC.getCopyOfContextMap())
            .containsExactlyInAnyOrderEntriesOf(
                Map.of("eventId", "ev-1", "experimentId", "exp-1", "service", "demo/checkout"));
      }
      assertThat(MDC.getCopyOfContextMap()).as("nothing left after close").isNullOrEmpty();
    }

    @Test
    @DisplayName("a key added once known (with) is removed on close as well")
    void withAddsAKey() {
      try (LogIdentity identity = LogIdentity.of(null, null, "cmd-1", null)) {
        identity.with(LogIdentity.FAULT_ID, "f-1").with(LogIdentity.EXPERIMENT_ID, null);
        assertThat(MDC.getCopyOfContextMap())
            .containsExactlyInAnyOrderEntriesOf(Map.of("commandId", "cmd-1", "faultId", "f-1"));
      }
      assertThat(MDC.get("faultId")).isNull();
    }

    @Test
    @DisplayName(
        "closing an inner identity gives back the outer one's keys, even one the inner one replaced")
    void restoresTheOuterIdentity() {
      MDC.put("experimentResource", "demo/checkout-canary");
      try (LogIdentity outer = LogIdentity.of(null, "exp-outer", null, "demo/checkout")) {
        try (LogIdentity inner = LogIdentity.of("ev-2", "exp-inner", "cmd-2", null)) {
          assertThat(MDC.get("experimentId")).isEqualTo("exp-inner");
          assertThat(MDC.get("service"))
              .as("kept from the outer identity")
              .isEqualTo("demo/checkout");
        }
        assertThat(MDC.getCopyOfContextMap())
            .containsExactlyInAnyOrderEntriesOf(
                Map.of(
                    "experimentResource",
                    "demo/checkout-canary",
                    "experimentId",
                    "exp-outer",
                    "service",
                    "demo/checkout"));
      }
      assertThat(MDC.getCopyOfContextMap())
          .containsExactlyInAnyOrderEntriesOf(Map.of("experimentResource", "demo/checkout-canary"));
    }

    @Test
    @DisplayName(
        "identity keys put straight into the MDC inside an identity (as a batch does per window) are undone on close, other keys are left to their owner")
    void undoesIdentityKeysPutDirectly() {
      MDC.put("service", "shop/outer");
      try (LogIdentity ignored = LogIdentity.of("ev-1", null, null, null)) {
        MDC.put(LogIdentity.SERVICE, "shop/checkout");
        MDC.put(LogIdentity.EXPERIMENT_ID, "exp-1");
        MDC.put("traceId", "t-1");
      }
      assertThat(MDC.getCopyOfContextMap())
          .containsExactlyInAnyOrderEntriesOf(Map.of("service", "shop/outer", "traceId", "t-1"));
    }

    @Test
    @DisplayName("a service is namespace/name, or the name alone without a namespace")
    void serviceForm() {
      assertThat(LogIdentity.service("demo", "checkout")).isEqualTo("demo/checkout");
      assertThat(LogIdentity.service(null, "checkout")).isEqualTo("checkout");
      assertThat(LogIdentity.service("demo", null)).isNull();
    }
  }

  @Nested
  class Pattern {

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stop() {
      context.stop();
    }

    /**
     * The console as the application configures it: logback-spring.xml with application.yml's
     * correlation pattern.
     */
    private Logger configure() throws Exception {
      YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
      yaml.setResources(new ClassPathResource("application.yml"));
      Properties application = yaml.getObject();
      assertThat(application).isNotNull();
      assertThat(application.getProperty("logging.pattern.correlation")).isEqualTo("%identity");
      context.setMDCAdapter(new LogbackMDCAdapter());
      context.putProperty("PID", "4242");
      context.putProperty("APPLICATION_NAME", "aegis");
      context.putProperty(
          "LOG_CORRELATION_PATTERN", application.getProperty("logging.pattern.correlation"));
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogIdentityTest.class.getResource("/logback-spring.xml"));
      return context.getLogger(Logger.ROOT_LOGGER_NAME);
    }

    private String line(Map<String, String> mdc) throws Exception {
      Logger root = configure();
      LoggingEvent event =
          new LoggingEvent(
              "x",
              context.getLogger("dev.aegis.orchestrator.Some"),
              Level.INFO,
              "heard {}",
              null,
              new Object[] {"it"});
      event.setMDCPropertyMap(new HashMap<>(mdc));
      @SuppressWarnings("unchecked")
      ConsoleAppender<ILoggingEvent> console =
          (ConsoleAppender<ILoggingEvent>) root.getAppender("CONSOLE");
      return new String(
          ((PatternLayoutEncoder) console.getEncoder()).encode(event), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName(
        "the keys that are set are printed between the thread and the logger, in a fixed order")
    void printsTheKeysThatAreSet() throws Exception {
      String line =
          line(
              Map.of(
                  "eventId",
                  "ev-1",
                  "service",
                  "demo/checkout",
                  "experimentId",
                  "exp-1",
                  "faultId",
                  "f-1",
                  "unrelated",
                  "not shown"));

      assertThat(line)
          .matches(
              "\\S+  INFO 4242 --- \\[aegis\\] \\[\\s*[^\\]]+\\] "
                  + "\\[service=demo/checkout exp=exp-1 fault=f-1 event=ev-1\\] dev\\.aegis\\.orchestrator\\.Some\\s+ : "
                  + "heard it\n");
    }

    @Test
    @DisplayName("without identity keys the line is Spring Boot's, with nothing added")
    void nothingWithoutKeys() throws Exception {
      assertThat(line(Map.of()))
          .matches(
              "\\S+  INFO 4242 --- \\[aegis\\] \\[\\s*[^\\]]+\\] "
                  + "dev\\.aegis\\.orchestrator\\.Some\\s+ : heard it\n");
      assertThat(line(Map.of("unrelated", "x")))
          .doesNotContain("[service")
          .doesNotContain("unrelated");
    }

    @Test
    @DisplayName("an identity value from outside is escaped and cannot start a forged line")
    void escaped() throws Exception {
      String line = line(Map.of("service", "demo/checkout\r\nINFO forged", "commandId", "c\u0007"));

      assertThat(line).contains("[service=demo/checkout\\r\\nINFO forged cmd=c\\u0007] ");
      assertThat(line.split("\n", -1)).hasSize(2);
    }
  }
}
