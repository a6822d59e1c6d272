package dev.aegis.orchestrator.scenarios;

import dev.aegis.orchestrator.messaging.ProcessExit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ConsumerStoppedEvent;

/**
 * The {@link ProcessExit} of a test context: records the exit codes asked for instead of ending the
 * test JVM, and, as a listener, the reasons of the consumer stops the context published.
 */
final class RecordingExit implements ProcessExit, ApplicationListener<ConsumerStoppedEvent> {

  private final List<Integer> codes = new CopyOnWriteArrayList<>();
  private final List<ConsumerStoppedEvent.Reason> stops = new CopyOnWriteArrayList<>();

  @Override
  public void exit(int code) {
    codes.add(code);
  }

  @Override
  public void onApplicationEvent(ConsumerStoppedEvent event) {
    stops.add(event.getReason());
  }

  List<Integer> codes() {
    return List.copyOf(codes);
  }

  List<ConsumerStoppedEvent.Reason> stops() {
    return List.copyOf(stops);
  }
}
