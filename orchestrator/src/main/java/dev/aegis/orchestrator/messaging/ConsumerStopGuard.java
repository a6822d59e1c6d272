package dev.aegis.orchestrator.messaging;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

/**
 * Takes the replica down when a Kafka consumer stops without being asked to.
 *
 * <p>A listener container stops its consumer for good on a {@link Error} thrown while processing
 * (an {@link OutOfMemoryError} above all), on a fenced or unauthorized consumer, or on a partition
 * without a committed offset ({@link ConsumerStoppedEvent.Reason} {@code ERROR}, {@code FENCED},
 * {@code AUTH}, {@code NO_OFFSET}). The process would live on, answer its probes, hold its
 * partitions until the session timeout and then leave them unconsumed: a replica that silently does
 * nothing. So on any stop whose reason is not {@code NORMAL} this guard logs one ERROR line, marks
 * liveness {@link LivenessState#BROKEN} and ends the process with {@link #EXIT_CODE}, and the
 * orchestrator (Kubernetes, systemd) starts a fresh one that resumes from the committed offsets.
 *
 * <p>A {@code NORMAL} stop is one that was asked for (the application shutting down, a caller
 * stopping a container) and is left alone; so is any stop once the application is closing.
 */
public final class ConsumerStopGuard implements ApplicationListener<ApplicationEvent> {

  /** The exit status of a replica ended by this guard: {@code EX_SOFTWARE} of sysexits.h. */
  public static final int EXIT_CODE = 70;

  private static final Logger log = LoggerFactory.getLogger(ConsumerStopGuard.class);

  private final ApplicationContext context;
  private final ProcessExit exit;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicBoolean exiting = new AtomicBoolean();

  public ConsumerStopGuard(ApplicationContext context, ProcessExit exit) {
    this.context = Objects.requireNonNull(context, "context");
    this.exit = Objects.requireNonNull(exit, "exit");
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
      closing.set(true);
    } else if (event instanceof ConsumerStoppedEvent stopped) {
      onStopped(stopped);
    }
  }

  private void onStopped(ConsumerStoppedEvent stopped) {
    if (stopped.getReason() == ConsumerStoppedEvent.Reason.NORMAL || closing.get()) {
      return;
    }
    if (!exiting.compareAndSet(false, true)) {
      return;
    }
    log.error(
        "Kafka consumer {} stopped ({}) without being asked to: this replica would stop consuming"
            + " while it looks alive, so liveness is BROKEN and the process exits with code {}",
        containerName(stopped.getSource()),
        stopped.getReason(),
        EXIT_CODE);
    try {
      AvailabilityChangeEvent.publish(context, this, LivenessState.BROKEN);
    } finally {
      exit.exit(EXIT_CODE);
    }
  }

  private static String containerName(Object source) {
    return source instanceof AbstractMessageListenerContainer<?, ?> container
        ? container.getBeanName()
        : String.valueOf(source);
  }
}
