package dev.aegis.orchestrator.notifications;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Notifications ({@code aegis.notifications.*}, docs/notifications.md).
 *
 * @param enabled whether notifications are written and delivered at all
 * @param dashboardUrl the dashboard's address as people reach it, for links; blank for none
 * @param channels the channels by name (a DNS-1123 label)
 * @param routes the routing rules until an {@code sre} sets them over the API
 * @param relayInterval how often the relay looks for due notifications
 * @param threads the relay's own thread pool: channels are delivered in parallel, so a slow
 *     receiver holds up only its own channel
 * @param batchSize at most this many notifications are claimed per channel and pass (a digest holds
 *     at most this many)
 * @param retry attempts and backoff of a failing delivery
 * @param breaker the per-channel circuit breaker
 * @param dlqGrowth when dead letters count as growing
 * @param testInterval a channel's test message can be asked for once per this interval
 */
@ConfigurationProperties("aegis.notifications")
public record NotificationProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("") String dashboardUrl,
    Map<String, Channel> channels,
    List<Route> routes,
    @DefaultValue("PT1S") Duration relayInterval,
    @DefaultValue("4") int threads,
    @DefaultValue("50") int batchSize,
    @DefaultValue Retry retry,
    @DefaultValue Breaker breaker,
    @DefaultValue DlqGrowth dlqGrowth,
    @DefaultValue("PT10S") Duration testInterval) {

  public NotificationProperties {
    channels = channels == null ? Map.of() : Map.copyOf(channels);
    routes = routes == null ? List.of() : List.copyOf(routes);
  }

  /**
   * One channel. Its address and key are secrets: they come only from an environment variable or a
   * mounted file (read at each delivery, so a rotated file takes effect without a restart), never
   * from the configuration itself or an API response.
   *
   * @param type {@code slack}, {@code teams}, {@code webhook} or {@code cloudevents}
   * @param urlEnv the environment variable holding the URL
   * @param urlFile the file holding the URL (e.g. a mounted Kubernetes Secret)
   * @param secretEnv the environment variable holding the HMAC key (webhook, cloudevents)
   * @param secretFile the file holding the HMAC key
   * @param groupWait notifications to this channel wait this long after the first of a burst and
   *     then go out together, as one digest when there are several; zero sends each at once (the
   *     CloudEvents sink always sends each event alone)
   * @param timeout connect and response timeout of one delivery
   */
  public record Channel(
      String type,
      String urlEnv,
      String urlFile,
      String secretEnv,
      String secretFile,
      @DefaultValue("PT1M") Duration groupWait,
      @DefaultValue("PT10S") Duration timeout) {}

  /**
   * @param maxAttempts a delivery that failed this many times ends FAILED
   * @param initialBackoff the wait after the first failure, doubled after each, up to {@code
   *     maxBackoff}
   */
  public record Retry(
      @DefaultValue("8") int maxAttempts,
      @DefaultValue("PT1S") Duration initialBackoff,
      @DefaultValue("PT60S") Duration maxBackoff) {

    /** The wait after {@code failures} failed attempts: doubling from the first, capped. */
    public Duration backoffAfter(int failures) {
      Duration wait = initialBackoff;
      for (int i = 1; i < failures && wait.compareTo(maxBackoff) < 0; i++) {
        wait = wait.multipliedBy(2);
      }
      return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
  }

  /**
   * @param failureThreshold consecutive failed deliveries that open a channel's circuit
   * @param openFor how long an open circuit refuses before letting a trial through
   * @param trialCalls successful trials that close it again
   */
  public record Breaker(
      @DefaultValue("5") int failureThreshold,
      @DefaultValue("PT60S") Duration openFor,
      @DefaultValue("3") int trialCalls) {}

  /**
   * @param threshold at least this many dead letters recorded within {@code window} raise a {@code
   *     dlq-growth} notification, once per window; zero switches it off
   * @param window the counting window (windows are aligned on the epoch)
   */
  public record DlqGrowth(
      @DefaultValue("10") int threshold, @DefaultValue("PT5M") Duration window) {}
}
