package dev.aegis.orchestrator.notifications;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.EventJson;
import dev.aegis.events.EventType;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.NotificationRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes notifications: for every event enqueued in the outbox (as its {@link EventOutbox.Tap}, so
 * in the decision's own transaction), for DLQ growth, and for tests of a channel. Holds the routing
 * rules in force: the configured ones until an {@code sre} sets others over the API; every replica
 * re-reads them on {@link #refreshRules()}.
 */
public final class Notifier implements EventOutbox.Tap {

  private static final ObjectMapper JSON = EventJson.newObjectMapper();
  private static final TypeReference<List<Route>> ROUTES = new TypeReference<>() {};

  private final Transactions transactions;
  private final NotificationRepository repository;
  private final AuditRepository audit;
  private final NotificationFactory factory;
  private final Channels channels;
  private final NotificationProperties properties;
  private final Clock clock;
  private final AtomicReference<RoutingRules> rules;
  private final Map<String, Instant> lastTest = new ConcurrentHashMap<>();

  public Notifier(
      Transactions transactions,
      NotificationRepository repository,
      AuditRepository audit,
      NotificationFactory factory,
      Channels channels,
      NotificationProperties properties,
      Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.audit = audit;
    this.factory = factory;
    this.channels = channels;
    this.properties = properties;
    this.clock = clock;
    List<String> problems = RoutingRules.problems(properties.routes(), channels.names());
    if (!problems.isEmpty()) {
      throw new IllegalStateException("aegis.notifications.routes: " + String.join("; ", problems));
    }
    this.rules = new AtomicReference<>(configured());
  }

  @Override
  public void enqueued(Tx h, EventType type, String id, Object data, Instant time, Instant now) {
    if (!properties.enabled()) {
      return;
    }
    factory.of(type, id, data, time).ifPresent(n -> route(h, n, now));
  }

  /** Writes {@code n} once for every channel the rules send it to; returns how many. */
  public int route(Tx h, Notification n, Instant now) {
    int written = 0;
    for (String name : rules.get().channelsFor(n)) {
      var channel = channels.find(name);
      if (channel.isEmpty()) {
        continue;
      }
      if (n.event() == null && channel.get().type() == ChannelType.CLOUDEVENTS) {
        // A CloudEvents sink receives dev.aegis.* events only; DLQ growth has none.
        continue;
      }
      if (write(h, n, channel.get(), channel.get().effectiveGroupWait(), now)) {
        written++;
      }
    }
    return written;
  }

  /**
   * Queues a test message to {@code channel}, delivered at once and never grouped; returns its
   * idempotency key, or empty when the channel had a test within {@code testInterval}.
   *
   * @throws IllegalArgumentException when there is no such channel
   */
  public java.util.Optional<String> test(String channel, String actor) {
    Channels.Channel c =
        channels
            .find(channel)
            .orElseThrow(() -> new IllegalArgumentException("no channel named " + channel));
    Instant now = clock.instant();
    Instant previous = lastTest.get(channel);
    if (previous != null && previous.plus(properties.testInterval()).isAfter(now)) {
      return java.util.Optional.empty();
    }
    lastTest.put(channel, now);
    Notification n = factory.test("test/" + UUID.randomUUID(), channel, actor, now);
    transactions.useTransaction(
        h -> {
          write(h, n, c, Duration.ZERO, now);
          audit.record(h, actor, "notification.test", channel, Map.of("id", n.id()), now);
        });
    return java.util.Optional.of(key(n, channel));
  }

  /** Raises the DLQ growth alert of the current window once, when it is due. */
  public boolean checkDeadLetters() {
    var growth = properties.dlqGrowth();
    if (!properties.enabled() || growth.threshold() <= 0) {
      return false;
    }
    Instant now = clock.instant();
    long size = growth.window().toMillis();
    Instant windowStart = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), size) * size);
    return transactions.inTransaction(
        h -> {
          int count = repository.deadLettersSince(h, windowStart);
          if (count < growth.threshold() || !repository.markDlqWindow(h, windowStart, count, now)) {
            return false;
          }
          route(h, factory.dlqGrowth(windowStart, growth.window(), count, growth.threshold()), now);
          return true;
        });
  }

  public RoutingRules rules() {
    return rules.get();
  }

  /**
   * Replaces the rules, for every replica (each re-reads them within a refresh), and audits it.
   *
   * @return the problems when {@code routes} are invalid (nothing changes then), else empty
   */
  public List<String> setRules(List<Route> routes, String actor) {
    List<String> problems = RoutingRules.problems(routes, channels.names());
    if (!problems.isEmpty()) {
      return problems;
    }
    Instant now = clock.instant();
    String json = write(routes);
    transactions.useTransaction(
        h -> {
          repository.saveRoutes(h, json, actor, now);
          audit.record(
              h, actor, "notification.routes", "routes", Map.of("routes", routes.size()), now);
        });
    rules.set(new RoutingRules(routes, "api", actor));
    return List.of();
  }

  /** Re-reads the rules set over the API (by this or another replica). */
  public void refreshRules() {
    var stored = transactions.withHandle(repository::routes);
    rules.set(
        stored
            .map(s -> new RoutingRules(read(s.routesJson()), "api", s.updatedBy()))
            .orElseGet(this::configured));
  }

  private RoutingRules configured() {
    return new RoutingRules(properties.routes(), "configuration", null);
  }

  private boolean write(
      Tx h, Notification n, Channels.Channel channel, Duration groupWait, Instant now) {
    return repository.add(
        h,
        new NotificationRepository.NewRow(
            key(n, channel.name()),
            channel.name(),
            n.kind(),
            n.severity(),
            n.namespace(),
            n.service(),
            n.experimentId(),
            n.title().length() > 500 ? n.title().substring(0, 499) + "…" : n.title(),
            write(n)),
        groupWait,
        now);
  }

  /** The idempotency key of {@code n}'s delivery to {@code channel}. */
  static String key(Notification n, String channel) {
    return n.id() + "@" + channel;
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Route> read(String json) {
    try {
      return JSON.readValue(json, ROUTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
