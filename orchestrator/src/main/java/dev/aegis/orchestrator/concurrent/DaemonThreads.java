package dev.aegis.orchestrator.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the orchestrator's background executors. Their threads are daemons: a
 * context that fails to stop one must not keep the JVM alive, and each executor's owner stops it
 * itself when the context closes.
 */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Every thread named {@code name} (for an executor of one thread). */
  public static ThreadFactory named(String name) {
    return r -> daemon(r, name);
  }

  /** Threads named {@code prefix-1}, {@code prefix-2}, … in the order they are made. */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger made = new AtomicInteger();
    return r -> daemon(r, prefix + "-" + made.incrementAndGet());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
