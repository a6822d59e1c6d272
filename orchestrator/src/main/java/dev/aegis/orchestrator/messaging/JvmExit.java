package dev.aegis.orchestrator.messaging;

import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** {@link ProcessExit#jvm}: a graceful exit, with a halt if it does not end the process in time. */
final class JvmExit implements ProcessExit {

  private final ConfigurableApplicationContext context;
  private final Duration haltAfter;

  JvmExit(ConfigurableApplicationContext context, Duration haltAfter) {
    this.context = Objects.requireNonNull(context, "context");
    this.haltAfter = Objects.requireNonNull(haltAfter, "haltAfter");
  }

  @Override
  public void exit(int code) {
    try {
      Thread watchdog =
          new Thread(
              () -> {
                sleep(haltAfter);
                Runtime.getRuntime().halt(code);
              },
              "aegis-exit-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      Thread exit = new Thread(() -> closeThenExit(code), "aegis-exit");
      exit.start();
    } catch (Throwable cannotEvenStartAThread) {
      Runtime.getRuntime().halt(code);
    }
  }

  private void closeThenExit(int code) {
    try {
      SpringApplication.exit(context, () -> code);
    } finally {
      System.exit(code);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
