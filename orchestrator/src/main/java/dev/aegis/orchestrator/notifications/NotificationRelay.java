package dev.aegis.orchestrator.notifications;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.EventJson;
import dev.aegis.orchestrator.concurrent.DaemonThreads;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.persistence.NotificationRepository;
import dev.aegis.orchestrator.persistence.NotificationRepository.Entry;
import dev.aegis.orchestrator.persistence.Transactions;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications after the transactions that wrote them committed, on a thread pool of its
 * own: each channel is delivered by one task at a time, so a slow or dead receiver holds up only
 * its own channel, never ingestion, actuation or the other channels.
 *
 * <p>A pass per channel: lease the due rows ({@code FOR UPDATE SKIP LOCKED} and a lease time, so
 * replicas never deliver a row at the same time), fix each delivery's members and key (the rows due
 * together form one digest; a row's key never changes after its first attempt), commit, POST
 * outside any transaction, then record the outcome. A delivery that fails is retried with capped
 * exponential backoff and ends FAILED with its last error after the last attempt; a receiver that
 * refuses for good (a 4xx other than 408 and 429) ends it at once. Each channel has a circuit
 * breaker: while it is open, the channel's rows wait without spending attempts.
 */
public final class NotificationRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotificationRelay.class);
  private static final ObjectMapper JSON = EventJson.newObjectMapper();
  private static final int MAX_ERROR = 1024;

  private final Transactions transactions;
  private final NotificationRepository repository;
  private final Channels channels;
  private final NotificationProperties properties;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final HttpClient http;
  private final ExecutorService pool;
  private final CircuitBreakerRegistry breakers;
  private final Map<String, AtomicBoolean> busy = new ConcurrentHashMap<>();

  public NotificationRelay(
      Transactions transactions,
      NotificationRepository repository,
      Channels channels,
      NotificationProperties properties,
      Clock clock,
      MeterRegistry metrics) {
    this.transactions = transactions;
    this.repository = repository;
    this.channels = channels;
    this.properties = properties;
    this.clock = clock;
    this.metrics = metrics;
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, properties.threads()), DaemonThreads.numbered("aegis-notify"));
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    var b = properties.breaker();
    this.breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.failureThreshold())
                .minimumNumberOfCalls(b.failureThreshold())
                .failureRateThreshold(100f)
                .waitDurationInOpenState(b.openFor())
                .permittedNumberOfCallsInHalfOpenState(b.trialCalls())
                .build());
    for (Channels.Channel c : channels.all()) {
      CircuitBreaker breaker = breakers.circuitBreaker(c.name());
      Gauge.builder(
              "aegis.notifications.circuit.open",
              breaker,
              cb -> cb.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
          .description("1 while the channel's circuit breaker is open (deliveries wait), else 0")
          .tag("channel", c.name())
          .register(metrics);
    }
  }

  /** Starts a delivery task for every channel that has none running. */
  public void dispatch() {
    for (Channels.Channel c : channels.all()) {
      AtomicBoolean running = busy.computeIfAbsent(c.name(), n -> new AtomicBoolean());
      if (running.compareAndSet(false, true)) {
        try {
          pool.execute(
              () -> {
                try {
                  drain(c);
                } catch (RuntimeException e) {
                  log.warn("notification channel {} pass failed: {}", c.name(), e.toString());
                } finally {
                  running.set(false);
                }
              });
        } catch (java.util.concurrent.RejectedExecutionException e) {
          running.set(false);
        }
      }
    }
  }

  /** The channel's circuit state: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}. */
  public String circuit(String channel) {
    return breakers.circuitBreaker(channel).getState().name();
  }

  /** Delivers what is due on one channel until nothing is; returns the deliveries attempted. */
  public int drain(Channels.Channel channel) {
    int attempted = 0;
    int round;
    do {
      round = pass(channel);
      attempted += round;
    } while (round > 0 && !pool.isShutdown());
    return attempted;
  }

  private int pass(Channels.Channel channel) {
    CircuitBreaker breaker = breakers.circuitBreaker(channel.name());
    if (breaker.getState() == CircuitBreaker.State.OPEN
        && !breaker.tryAcquirePermission()) { // moves to half-open once openFor has passed
      return 0;
    }
    if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
      breaker.releasePermission();
    }
    Instant now = clock.instant();
    Instant lease = now.plus(channel.timeout().multipliedBy(2)).plusSeconds(30);
    Map<String, List<Entry>> deliveries =
        transactions.inTransaction(
            h -> {
              List<Entry> due =
                  repository.leaseDue(h, channel.name(), now, lease, properties.batchSize());
              Map<String, List<Entry>> byKey = group(channel, due);
              byKey.forEach(
                  (key, members) -> {
                    if (members.get(0).digestId() == null) {
                      repository.assignDigest(h, ids(members), key);
                    }
                  });
              return byKey;
            });
    int attempted = 0;
    for (Map.Entry<String, List<Entry>> delivery : deliveries.entrySet()) {
      if (pool.isShutdown() || !breaker.tryAcquirePermission()) {
        transactions.useTransaction(
            h ->
                repository.release(
                    h, ids(delivery.getValue()), lease, clock.instant().plusSeconds(1)));
        continue;
      }
      attempted++;
      deliver(channel, breaker, delivery.getKey(), delivery.getValue(), lease);
    }
    return attempted;
  }

  /**
   * The deliveries of the due rows: rows that were attempted before keep their key and members; the
   * others go out together as one digest (each alone on a channel without digests, and test
   * messages always alone).
   */
  private static Map<String, List<Entry>> group(Channels.Channel channel, List<Entry> due) {
    Map<String, List<Entry>> byKey = new LinkedHashMap<>();
    List<Entry> fresh = new ArrayList<>();
    for (Entry e : due) {
      if (e.digestId() != null) {
        byKey.computeIfAbsent(e.digestId(), k -> new ArrayList<>()).add(e);
      } else if (!channel.type().digests() || NotificationKind.TEST.wire().equals(e.kind())) {
        byKey.put(e.id(), new ArrayList<>(List.of(e)));
      } else {
        fresh.add(e);
      }
    }
    if (fresh.size() == 1) {
      byKey.put(fresh.get(0).id(), fresh);
    } else if (fresh.size() > 1) {
      byKey.put("digest/" + channel.name() + "/" + fresh.get(0).seq(), fresh);
    }
    return byKey;
  }

  private void deliver(
      Channels.Channel channel,
      CircuitBreaker breaker,
      String key,
      List<Entry> members,
      Instant lease) {
    Entry first = members.get(0);
    try (LogIdentity ignored =
        LogIdentity.of(
            key, members.size() == 1 ? first.experimentId() : null, null, first.service())) {
      long started = System.nanoTime();
      Failure failure;
      try {
        failure = post(channel, key, members);
      } catch (RuntimeException e) {
        failure = new Failure(e.toString(), false);
      }
      long elapsed = System.nanoTime() - started;
      Instant now = clock.instant();
      if (failure == null) {
        breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        transactions.useTransaction(h -> repository.markDelivered(h, ids(members), lease, now));
        count(channel, "delivered", members.size());
        log.info(
            "notification {} delivered to {} ({} item(s), attempt {})",
            key,
            channel.name(),
            members.size(),
            first.attempts() + 1);
        return;
      }
      breaker.onError(elapsed, TimeUnit.NANOSECONDS, new IOException(failure.error()));
      int attempts = first.attempts() + 1;
      boolean last = failure.permanent() || attempts >= properties.retry().maxAttempts();
      Instant next = last ? null : now.plus(properties.retry().backoffAfter(attempts));
      String error = cut(failure.error());
      transactions.useTransaction(
          h -> repository.markAttemptFailed(h, ids(members), lease, error, next));
      count(channel, last ? "failed" : "retry", members.size());
      log.warn(
          "notification {} to {} failed (attempt {}{}): {}",
          key,
          channel.name(),
          attempts,
          last ? ", giving up" : ", retrying at " + next,
          error);
    }
  }

  /** Why a delivery failed; {@code permanent} when retrying cannot help. */
  private record Failure(String error, boolean permanent) {}

  private Failure post(Channels.Channel channel, String key, List<Entry> members) {
    String url;
    byte[] secret;
    try {
      url = channels.url(channel);
      secret = channels.secret(channel);
    } catch (Channels.MissingSecretException e) {
      return new Failure(e.getMessage(), false);
    }
    List<Notification> items = new ArrayList<>(members.size());
    for (Entry e : members) {
      items.add(read(e.payload()));
    }
    Messages.Outgoing out = Messages.render(channel.type(), key, items, secret, clock.instant());
    HttpRequest.Builder request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(channel.timeout())
              .POST(HttpRequest.BodyPublishers.ofByteArray(out.body()));
    } catch (IllegalArgumentException e) {
      return new Failure("the channel's URL is not a valid URI", true);
    }
    out.headers().forEach(request::header);
    request.header("User-Agent", "aegis-notifications");
    request.header("X-Aegis-Delivery-Attempt", Integer.toString(members.get(0).attempts() + 1));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return null;
      }
      boolean permanent = status >= 400 && status < 500 && status != 408 && status != 429;
      String body = response.body() == null ? "" : response.body().strip();
      return new Failure(
          "HTTP " + status + (body.isEmpty() ? "" : ": " + cut(body.replaceAll("\\s+", " "))),
          permanent);
    } catch (IOException e) {
      // Some (ConnectException) carry no message; never add the URL, which is a secret.
      return new Failure(
          e.getMessage() == null
              ? e.getClass().getName() + ": the receiver could not be reached"
              : e.toString(),
          false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failure("interrupted", false);
    }
  }

  private void count(Channels.Channel channel, String outcome, int notifications) {
    Counter.builder("aegis.notifications")
        .description(
            "Notifications by channel and outcome of their delivery attempt: delivered, retry"
                + " (failed, will be retried) or failed (gave up)")
        .baseUnit("notifications")
        .tag("channel", channel.name())
        .tag("outcome", outcome)
        .register(metrics)
        .increment(notifications);
  }

  private static Notification read(String payload) {
    try {
      return JSON.readValue(payload, Notification.class);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable notification payload", e);
    }
  }

  private static List<String> ids(List<Entry> entries) {
    return entries.stream().map(Entry::id).toList();
  }

  private static String cut(String s) {
    return s.length() > MAX_ERROR ? s.substring(0, MAX_ERROR - 1) + "…" : s;
  }

  /** Stops the pool; deliveries under way finish or are retried after their lease. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
