package dev.aegis.orchestrator.messaging;

import java.time.Duration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How the replica ends itself when it can no longer do its work (see {@link ConsumerStopGuard}). A
 * port, so a test observes the call instead of ending its own JVM.
 */
public interface ProcessExit {

  /**
   * Ends the process with {@code code}, closing the application as a normal shutdown does if it
   * can. Returns at once; the process is gone shortly after. Never throws.
   */
  void exit(int code);

  /**
   * The real one: on a thread of its own (never the caller's, which may be a consumer thread the
   * shutdown waits for), {@code SpringApplication.exit} closes the context, then {@code
   * System.exit}; if that has not ended the process after {@code haltAfter} (a shutdown phase
   * blocked, a heap too full to unwind), or the thread cannot even start, {@code Runtime.halt}.
   */
  static ProcessExit jvm(ConfigurableApplicationContext context, Duration haltAfter) {
    return new JvmExit(context, haltAfter);
  }
}
