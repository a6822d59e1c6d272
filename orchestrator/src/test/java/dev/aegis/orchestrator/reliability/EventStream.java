package dev.aegis.orchestrator.reliability;

import dev.aegis.events.CloudEventHeaders;
import dev.aegis.events.EncodedEvent;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A continuous stream of input events for several services, whether an orchestrator runs or not:
 * each service gets experiment after experiment (good or bad candidates, sometimes a second one
 * queued behind the first) and one-second canary windows for its oldest unsettled one, every {@link
 * #TICK}. Now and then it also republishes an earlier window unchanged (a duplicate), publishes a
 * record no codec can read, or resubmits a quarantined image: the last two must end in the
 * dead-letter table.
 *
 * <p>It follows the experiments by reading their phase from the database (the test hosts it), so it
 * never needs the orchestrator to answer. Every record it publishes is kept in {@link #produced()}.
 * Random choices come from the seeded {@code random}, so a run can be repeated.
 */
final class EventStream implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  static final Duration TICK = Duration.ofMillis(100);

  /**
   * Window times start this far back, and never come closer to now than {@link #LEAD}: within the
   * clock skew.
   */
  private static final Duration HISTORY = Duration.ofHours(3);

  private static final Duration LEAD = Duration.ofSeconds(5);

  /** One published record: identity (null for an unreadable one), where it landed, what it was. */
  record Produced(
      String source, String eventId, String topic, int partition, long offset, Kind kind) {}

  enum Kind {
    WINDOW,
    SUBMISSION,
    DUPLICATE,
    UNREADABLE,
    QUARANTINED_RESUBMISSION
  }

  /** A candidate the stream submitted, and how its experiment should end. */
  record SubmittedCandidate(String service, String version, boolean healthy) {
    String expectedPhase() {
      return healthy ? "PROMOTED" : "QUARANTINED";
    }
  }

  private final Jdbi jdbi;
  private final Random random;
  private final List<Lane> lanes = new ArrayList<>();
  private final List<Produced> produced = new ArrayList<>();
  private final List<SubmittedCandidate> candidates = new ArrayList<>();
  private final List<EncodedEvent> windows = new ArrayList<>();
  private final Thread thread;
  private volatile boolean submitting = true;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  EventStream(Jdbi jdbi, List<String> services, Random random) {
    this.jdbi = jdbi;
    this.random = random;
    Instant start = Instant.now().minus(HISTORY);
    services.forEach(s -> lanes.add(new Lane(s, start)));
    this.thread = new Thread(this::run, "reliability-event-stream");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** No new experiments from now on; the submitted ones still get windows until they settle. */
  void stopSubmitting() {
    submitting = false;
  }

  /** Whether every submitted experiment has settled (and nothing more will be submitted). */
  synchronized boolean allSettled() {
    return !submitting && lanes.stream().allMatch(l -> l.pending.isEmpty());
  }

  synchronized List<Produced> produced() {
    return List.copyOf(produced);
  }

  synchronized List<SubmittedCandidate> candidates() {
    return List.copyOf(candidates);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void run() {
    try (Handle h = jdbi.open()) {
      while (running) {
        long next = System.nanoTime() + TICK.toNanos();
        synchronized (this) {
          lanes.forEach(lane -> lane.tick(h));
          extras();
        }
        long rest = next - System.nanoTime();
        if (rest > 0) {
          Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("event stream failed", e);
      failure = e;
    }
  }

  /** Duplicates and unreadable records: about one of each every 5 s and 10 s. */
  private void extras() {
    if (!windows.isEmpty() && random.nextInt(50) == 0) {
      EncodedEvent again = windows.get(random.nextInt(windows.size()));
      record(again, Kind.DUPLICATE);
    }
    if (random.nextInt(100) == 0) {
      String key = lanes.get(random.nextInt(lanes.size())).service;
      ProducerRecord<String, byte[]> garbage =
          new ProducerRecord<>(
              Topics.HEALTH,
              key,
              ("{not a health window " + random.nextInt() + "}").getBytes(StandardCharsets.UTF_8));
      RecordMetadata at = SharedInfrastructure.kafka().publish(garbage);
      produced.add(
          new Produced(null, null, at.topic(), at.partition(), at.offset(), Kind.UNREADABLE));
    }
  }

  private RecordMetadata record(EncodedEvent event, Kind kind) {
    RecordMetadata at = CanaryEvents.publish(event);
    produced.add(
        new Produced(
            event.header(CloudEventHeaders.SOURCE).orElseThrow(),
            event.header(CloudEventHeaders.ID).orElseThrow(),
            at.topic(),
            at.partition(),
            at.offset(),
            kind));
    return at;
  }

  /** One service: its submitted, unsettled candidates (oldest first) and its window clock. */
  private final class Lane {
    final String service;
    final Deque<SubmittedCandidate> pending = new ArrayDeque<>();
    Instant clock;
    int nextVersion = 2;

    Lane(String service, Instant clock) {
      this.service = service;
      this.clock = clock;
    }

    void tick(Handle h) {
      SubmittedCandidate current = pending.peekFirst();
      if (current != null) {
        Optional<String> phase = phaseOf(h, current);
        if (phase.isPresent() && settled(phase.get())) {
          pending.removeFirst();
          if (phase.get().equals("QUARANTINED") && random.nextInt(2) == 0) {
            record(
                CanaryEvents.submissionEvent(service, current.version()),
                Kind.QUARANTINED_RESUBMISSION);
          }
          current = pending.peekFirst();
        }
      }
      if (current == null && submitting) {
        current = submit();
        if (random.nextInt(4) == 0) {
          submit(); // queued behind the first
        }
      }
      if (current != null && !clock.plus(LEAD).isAfter(Instant.now())) {
        EncodedEvent window =
            CanaryEvents.window(service, current.version(), clock, current.healthy());
        clock = clock.plusSeconds(1);
        record(window, Kind.WINDOW);
        windows.add(window);
      }
    }

    private SubmittedCandidate submit() {
      SubmittedCandidate c =
          new SubmittedCandidate(service, "v" + nextVersion++, random.nextInt(3) != 0);
      record(CanaryEvents.submissionEvent(service, c.version()), Kind.SUBMISSION);
      candidates.add(c);
      pending.addLast(c);
      return c;
    }

    private Optional<String> phaseOf(Handle h, SubmittedCandidate c) {
      try {
        return h.createQuery(
                "SELECT phase FROM experiments WHERE service = :service AND candidate_version = :version")
            .bindMap(Map.of("service", c.service(), "version", c.version()))
            .mapTo(String.class)
            .findOne();
      } catch (RuntimeException e) {
        return Optional.empty(); // the schema is not migrated yet
      }
    }
  }

  private static boolean settled(String phase) {
    return Phase.valueOf(phase).isSettled();
  }
}
