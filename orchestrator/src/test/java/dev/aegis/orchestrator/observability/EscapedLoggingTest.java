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
import ch.qos.logback.core.status.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application's logback-spring.xml, loaded into a logger context of its own: messages, MDC
 * values and exception messages are escaped on the console and in the file, stack traces keep one
 * frame a line, and a file is written only when Spring Boot was given one.
 */
class EscapedLoggingTest {

  private static final String FORGED =
      "ok\r\n2026-12-04T00:00:00.000Z  INFO 1 --- [main] forged : line";

  private final LoggerContext context = new LoggerContext();

  @AfterEach
  void stop() {
    context.stop();
  }

  private Logger configure(Map<String, String> properties) throws Exception {
    context.setMDCAdapter(new LogbackMDCAdapter());
    properties.forEach(context::putProperty);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(EscapedLoggingTest.class.getResource("/logback-spring.xml"));
    List<Status> errors =
        context.getStatusManager().getCopyOfStatusList().stream()
            .filter(s -> s.getEffectiveLevel() >= Status.WARN)
            .toList();
    assertThat(errors).as("logback's complaints about the configuration").isEmpty();
    return context.getLogger(Logger.ROOT_LOGGER_NAME);
  }

  private static String console(Logger root, ILoggingEvent event) {
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> console =
        (ConsoleAppender<ILoggingEvent>) root.getAppender("CONSOLE");
    return new String(
        ((PatternLayoutEncoder) console.getEncoder()).encode(event), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName(
      "without logging.file.name the console is the only appender, as with Spring Boot's defaults")
  void consoleOnlyByDefault() throws Exception {
    Logger root = configure(Map.of());
    assertThat(root.getAppender("CONSOLE")).isNotNull();
    assertThat(root.getAppender("FILE")).as("no spring.log in the temporary directory").isNull();
  }

  @Test
  @DisplayName("with a log file, the file appender writes the same escaped single line")
  void fileIsEscapedToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("aegis.log");
    Logger root = configure(Map.of("LOG_FILE", file.toString()));
    assertThat(root.getAppender("FILE")).isNotNull();

    context.getLogger("dev.aegis.test").info("release reason: {}", FORGED);
    context.stop();

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .contains("release reason: ok\\r\\n2026-12-04T00:00:00.000Z  INFO 1 --- [main] forged");
  }

  @Test
  @DisplayName("an exception's message is escaped, and its frames and causes keep a line each")
  void stackTraces() throws Exception {
    Logger root = configure(Map.of());
    IllegalStateException cause = new IllegalStateException("cause said\nINFO forged by the cause");
    RuntimeException thrown =
        new RuntimeException("field 'x' has an invalid value: " + FORGED, cause);
    thrown.addSuppressed(new IllegalArgumentException("suppressed\u0007bell"));
    LoggingEvent event = new LoggingEvent("x", root, Level.ERROR, "failed", thrown, null);

    String[] lines = console(root, event).split("\n", -1);

    assertThat(lines[0]).endsWith("failed");
    assertThat(Arrays.stream(lines).filter(l -> l.contains("forged")).toList())
        .as("the forged text stays inside its exception's line")
        .allSatisfy(l -> assertThat(l).matches("^(Caused by: )?java\\.lang\\.\\w+Exception: .*"))
        .hasSize(2);
    assertThat(lines)
        .contains(
            "java.lang.RuntimeException: field 'x' has an invalid value: ok\\r\\n"
                + "2026-12-04T00:00:00.000Z  INFO 1 --- [main] forged : line");
    assertThat(lines)
        .contains(
            "Caused by: java.lang.IllegalStateException: cause said\\nINFO forged by the cause");
    assertThat(lines)
        .anyMatch(
            l ->
                l.contains(
                    "Suppressed: java.lang.IllegalArgumentException: suppressed\\u0007bell"));
    assertThat(lines)
        .filteredOn(
            l -> l.startsWith("\tat dev.aegis.orchestrator.observability.EscapedLoggingTest"))
        .as("one frame a line")
        .isNotEmpty();
  }

  @Test
  @DisplayName("MDC values are escaped in a pattern that prints them")
  void mdc() throws Exception {
    Logger root = configure(Map.of("CONSOLE_LOG_PATTERN", "[%X{service}] [%X] %m%n"));
    LoggingEvent event = new LoggingEvent("x", root, Level.INFO, "heard", null, null);
    event.setMDCPropertyMap(Map.of("service", "shop/checkout\r\nINFO forged"));

    String line = console(root, event);

    assertThat(line)
        .isEqualTo(
            "[shop/checkout\\r\\nINFO forged] [service=shop/checkout\\r\\nINFO forged] heard\n");
  }

  @Test
  @DisplayName("Spring Boot's console pattern is kept: level, logger and message as before")
  void patternKept() throws Exception {
    Logger root = configure(Map.of("PID", "4242", "APPLICATION_NAME", "aegis"));
    LoggingEvent event =
        new LoggingEvent(
            "x",
            context.getLogger("dev.aegis.orchestrator.Some"),
            Level.WARN,
            "plain {}",
            null,
            new Object[] {"text"});

    String line = console(root, event);

    assertThat(line)
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+  WARN 4242 --- \\[aegis\\] "
                + "\\[\\s*[^\\]]+\\] dev\\.aegis\\.orchestrator\\.Some\\s+ : plain text\n");
  }

  @Test
  @DisplayName(
      "a message's own template keeps its line breaks (the banner), and its arguments are still escaped")
  void multilinePattern() throws Exception {
    Logger root = configure(Map.of("CONSOLE_LOG_PATTERN", "%m%n"));
    LoggingEvent event =
        new LoggingEvent(
            "x",
            root,
            Level.INFO,
            "\n--- ready ---\n  token  {}\n---",
            null,
            new Object[] {"abc\r\nINFO forged"});

    assertThat(console(root, event))
        .isEqualTo("\n--- ready ---\n  token  abc\\r\\nINFO forged\n---\n");
  }
}
