package dev.aegis.orchestrator.notifications;

import dev.aegis.orchestrator.config.PeriodicTask;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.NotificationRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Notifications (docs/notifications.md): the writer that taps the event outbox, the relay on its
 * own thread pool, and the watch that re-reads the routing rules and raises DLQ growth alerts.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotificationProperties.class)
public class NotificationsConfiguration {

  /** How often the rules set over the API are re-read and dead letters counted. */
  static final Duration WATCH_INTERVAL = Duration.ofSeconds(10);

  @Bean
  NotificationRepository notificationRepository() {
    return new NotificationRepository();
  }

  @Bean
  Channels notificationChannels(NotificationProperties properties) {
    return new Channels(properties.channels(), System::getenv);
  }

  @Bean
  Notifier notifier(
      Transactions transactions,
      NotificationRepository repository,
      AuditRepository audit,
      Channels channels,
      NotificationProperties properties,
      Clock clock) {
    return new Notifier(
        transactions,
        repository,
        audit,
        new NotificationFactory(properties.dashboardUrl()),
        channels,
        properties,
        clock);
  }

  @Bean(destroyMethod = "close")
  NotificationRelay notificationRelay(
      Transactions transactions,
      NotificationRepository repository,
      Channels channels,
      NotificationProperties properties,
      Clock clock,
      MeterRegistry metrics) {
    return new NotificationRelay(transactions, repository, channels, properties, clock, metrics);
  }

  @Bean
  SmartLifecycle notificationRelayTask(NotificationRelay relay, NotificationProperties properties) {
    return PeriodicTask.every(
        "aegis-notification-relay",
        properties.relayInterval(),
        () -> {
          if (properties.enabled()) {
            relay.dispatch();
          }
        });
  }

  @Bean
  SmartLifecycle notificationWatchTask(Notifier notifier) {
    return new PeriodicTask(
        "aegis-notification-watch",
        Duration.ZERO,
        WATCH_INTERVAL,
        () -> {
          notifier.refreshRules();
          notifier.checkDeadLetters();
        });
  }
}
