package dev.aegis.orchestrator.testsupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one embedded PostgreSQL server and the one KRaft broker of this test JVM.
 *
 * <p>Each starts on first use (a test that needs only the database never starts Kafka) and stops
 * when the JVM exits, Kafka first. Both listen on random free ports and keep their data in
 * temporary directories. Thread-safe.
 */
public final class SharedInfrastructure {

  private static final Logger LOG = LoggerFactory.getLogger(SharedInfrastructure.class);
  private static SharedPostgres postgres;
  private static SharedKafka kafka;
  private static boolean hookRegistered;

  private SharedInfrastructure() {}

  /** The shared PostgreSQL server, started if needed. */
  public static synchronized SharedPostgres postgres() {
    if (postgres == null) {
      registerShutdownHook();
      postgres = SharedPostgres.start();
    }
    return postgres;
  }

  /** The shared Kafka broker, started if needed. */
  public static synchronized SharedKafka kafka() {
    if (kafka == null) {
      registerShutdownHook();
      kafka = SharedKafka.start();
    }
    return kafka;
  }

  private static void registerShutdownHook() {
    if (!hookRegistered) {
      // One hook, so the order is fixed: clients and broker first, the database last.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(SharedInfrastructure::stopAll, "aegis-test-infrastructure-stop"));
      hookRegistered = true;
    }
  }

  private static synchronized void stopAll() {
    closeQuietly(kafka);
    closeQuietly(postgres);
  }

  private static void closeQuietly(AutoCloseable resource) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception e) {
      LOG.warn("Could not stop shared test infrastructure {}", resource, e);
    }
  }
}
