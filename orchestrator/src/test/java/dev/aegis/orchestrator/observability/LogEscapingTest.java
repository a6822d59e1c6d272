package dev.aegis.orchestrator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Log lines cannot be forged through logged values; meter tags cannot grow without bound. */
class LogEscapingTest {

  @Test
  @DisplayName(
      "the application's logback-spring.xml escapes CR, LF and control characters in the message")
  void applicationLayoutEscapes() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(
        new LogbackMDCAdapter()); // as logback's service provider gives every real context
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogEscapingTest.class.getResource("/logback-spring.xml"));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console =
        (ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>) root.getAppender("CONSOLE");
    assertThat(console).as("Boot's console appender").isNotNull();
    PatternLayoutEncoder encoder = (PatternLayoutEncoder) console.getEncoder();

    LoggingEvent event =
        new LoggingEvent(
            "x",
            root,
            Level.INFO,
            "release reason: {}",
            null,
            new Object[] {"ok\r\n2026-12-04T00:00:00Z  INFO forged line\u0007\u2028end\tTAB"});
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line.strip())
        .doesNotContain("\r")
        .doesNotContain("\u0007")
        .doesNotContain("\u2028")
        .contains("ok\\r\\n2026-12-04T00:00:00Z  INFO forged line\\u0007\\u2028end\tTAB");
    assertThat(line.indexOf('\n'))
        .as("one line, ended by the layout's own newline")
        .isEqualTo(line.length() - 1);

    LoggingEvent banner =
        new LoggingEvent(
            "x",
            root,
            Level.INFO,
            "\n--- ready ---\n  dashboard {}\r",
            null,
            new Object[] {"http://127.0.0.1:8080/\nINFO forged"});
    String text = new String(encoder.encode(banner), StandardCharsets.UTF_8);
    assertThat(text)
        .as("the template (code) keeps its lines; the value does not")
        .contains("\n--- ready ---\n  dashboard http://127.0.0.1:8080/\\nINFO forged\\r");
    context.stop();
  }

  @Test
  @DisplayName("escape leaves plain text alone and escapes every C0/C1 control but tab")
  void escape() {
    assertThat(EscapedMessageConverter.escape("plain text")).isEqualTo("plain text");
    assertThat(EscapedMessageConverter.escape("a\nb\rc\u0000d\u009be\tf"))
        .isEqualTo("a\\nb\\rc\\u0000d\\u009be\tf");
  }

  @Test
  @DisplayName(
      "the service tag keeps the first max-services values; later services count as 'other'")
  void serviceTagLimit() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.config().meterFilter(new ServiceTagLimit(2));
    for (String s : new String[] {"a", "b", "c", "d", "a"}) {
      registry.counter("aegis.windows", "service", s, "track", "canary").increment();
    }
    assertThat(registry.find("aegis.windows").counters()).hasSize(3);
    assertThat(registry.get("aegis.windows").tag("service", "a").counter().count()).isEqualTo(2.0);
    assertThat(
            registry
                .get("aegis.windows")
                .tag("service", "other")
                .tag("track", "canary")
                .counter()
                .count())
        .isEqualTo(2.0);
  }
}
