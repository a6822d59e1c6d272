package dev.aegis.orchestrator.config;

import dev.aegis.events.EventCodec;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import dev.aegis.orchestrator.deadletter.DeadLetterRecorder;
import dev.aegis.orchestrator.messaging.Admission;
import dev.aegis.orchestrator.messaging.BatchProcessor;
import dev.aegis.orchestrator.messaging.ConsumerStopGuard;
import dev.aegis.orchestrator.messaging.DeadLetterRecoverer;
import dev.aegis.orchestrator.messaging.IngestListener;
import dev.aegis.orchestrator.messaging.KafkaTrustProperties;
import dev.aegis.orchestrator.messaging.ProcessExit;
import dev.aegis.orchestrator.outbox.OutboxRelay;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.production.watch.ProductionWatch;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka in and out: one batch consumer for the input topics (offsets committed after the batch's
 * transaction), one for the dead-letter topic (records it in the table), and the outbox relay.
 */
@Configuration(proxyBeanMethods = false)
public class MessagingConfiguration {

  private static final Logger log = LoggerFactory.getLogger(MessagingConfiguration.class);

  @Bean
  KafkaTemplate<byte[], byte[]> bytesKafkaTemplate(ProducerFactory<byte[], byte[]> producers) {
    return new KafkaTemplate<>(producers);
  }

  /**
   * Who may publish what on the input topics (aegis.kafka.trust); warns at start about what is left
   * open.
   */
  @Bean
  Admission admission(KafkaTrustProperties trust) {
    return new Admission(trust).warnIfOpen();
  }

  @Bean
  IngestListener ingestListener(
      EventCodec codec, BatchProcessor processor, Clock clock, Admission admission) {
    return new IngestListener(codec, processor, clock, admission);
  }

  @Bean
  ConcurrentMessageListenerContainer<byte[], byte[]> ingestContainer(
      ConsumerFactory<byte[], byte[]> consumers,
      IngestListener listener,
      KafkaTemplate<byte[], byte[]> kafka,
      AegisProperties properties,
      ProductionWatch watch) {
    ContainerProperties props = new ContainerProperties(Topics.INPUTS.toArray(String[]::new));
    props.setAckMode(ContainerProperties.AckMode.BATCH);
    // Several replicas share the partitions (docs/scale-out.md): a partition taken away hands its
    // services' in-memory watch over to its new owner.
    props.setConsumerRebalanceListener(
        new ConsumerAwareRebalanceListener() {
          @Override
          public void onPartitionsRevokedAfterCommit(
              Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
            handOver(revoked);
          }

          @Override
          public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> lost) {
            handOver(lost);
          }

          private void handOver(Collection<TopicPartition> gone) {
            var services = listener.partitions().release(gone);
            watch.handOver(
                services.stream()
                    .map(s -> new BurnRateMonitor.ServiceName(s.namespace(), s.service()))
                    .toList());
            if (!gone.isEmpty()) {
              log.info(
                  "partitions {} left this consumer thread for another thread or replica; handed over the watch of {} service(s)",
                  gone,
                  services.size());
            }
          }
        });
    props.setMessageListener((BatchMessageListener<byte[], byte[]>) listener::onBatch);
    var container = new ConcurrentMessageListenerContainer<>(consumers, props);
    AegisProperties.Processing p = properties.processing();
    // Consumer threads of this replica, each with its own partitions and batch transactions; a
    // service's key keeps it on one partition, so threads never contend for an experiment.
    container.setConcurrency(p.concurrency());
    ExponentialBackOff backOff =
        new ExponentialBackOff(p.initialBackoff().toMillis(), p.multiplier());
    backOff.setMaxInterval(p.maxBackoff().toMillis());
    backOff.setMaxAttempts(Math.max(0, p.attempts() - 1));
    DefaultErrorHandler errors =
        new DefaultErrorHandler(new DeadLetterRecoverer(kafka, listener), backOff);
    errors.addNotRetryableExceptions(InvalidSubmissionException.class);
    container.setCommonErrorHandler(errors);
    container.setBeanName("aegis-ingest");
    return container;
  }

  @Bean
  KafkaMessageListenerContainer<byte[], byte[]> deadLetterContainer(
      ConsumerFactory<byte[], byte[]> consumers,
      DeadLetterRecorder recorder,
      @Value("${spring.kafka.consumer.group-id}") String ingestGroup) {
    ContainerProperties props = new ContainerProperties(Topics.DLQ);
    // A group of its own: sharing the ingest group would make every DLQ rebalance stop ingestion
    // too.
    props.setGroupId(ingestGroup + ".dead-letters");
    props.setAckMode(ContainerProperties.AckMode.BATCH);
    props.setMessageListener(
        (BatchMessageListener<byte[], byte[]>)
            (List<ConsumerRecord<byte[], byte[]>> batch) -> recorder.onBatch(batch));
    var container = new KafkaMessageListenerContainer<>(consumers, props);
    // The dead-letter table is fed from the topic and must never lose a record: while the database
    // is away, retry
    // without end, 1 s doubling up to a minute between tries (a record the database refuses for its
    // data is
    // recorded as unrecordable by the recorder itself, so only an outage retries).
    ExponentialBackOff backOff = new ExponentialBackOff(1000, 2.0);
    backOff.setMaxInterval(60_000);
    container.setCommonErrorHandler(new DefaultErrorHandler(backOff));
    container.setBeanName("aegis-dead-letters");
    return container;
  }

  /**
   * How the replica ends itself: a graceful exit, halted if it has not ended the process within a
   * minute (longer than the shutdown phases' own 30 s timeout).
   */
  @Bean
  ProcessExit processExit(ConfigurableApplicationContext context) {
    return ProcessExit.jvm(context, Duration.ofMinutes(1));
  }

  /**
   * A consumer that stops without being asked to (an Error such as OutOfMemoryError, fenced,
   * unauthorized) takes the replica down, so it restarts instead of living on without consuming.
   */
  @Bean
  ConsumerStopGuard consumerStopGuard(ConfigurableApplicationContext context, ProcessExit exit) {
    return new ConsumerStopGuard(context, exit);
  }

  @Bean
  OutboxRelay outboxRelay(
      Transactions transactions,
      OutboxRepository outbox,
      KafkaTemplate<byte[], byte[]> kafka,
      EventCodec codec,
      Clock clock,
      AegisProperties properties) {
    return new OutboxRelay(
        transactions, outbox, kafka, codec, clock, properties.outbox().batchSize());
  }

  /**
   * Flags silent canary steps on the wall clock, every {@code aegis.health.silence-check-interval}.
   */
  @Bean
  SmartLifecycle silenceWatch(ExperimentService service, AegisProperties properties) {
    return PeriodicTask.every(
        "aegis-silence-watch",
        properties.health().silenceCheckInterval(),
        () -> {
          int flagged = service.checkSilence();
          if (flagged > 0) {
            log.warn(
                "{} canary step(s) flagged as held: no health window within maxSilence", flagged);
          }
        });
  }

  /**
   * Runs the relay on its own thread at the configured interval, from start to stop of the context,
   * and at once after a transaction that added events or dead letters commits.
   */
  @Bean
  SmartLifecycle outboxRelayLoop(
      OutboxRelay relay, OutboxRepository outbox, AegisProperties properties) {
    PeriodicTask passes =
        PeriodicTask.every("aegis-outbox-relay", properties.outbox().pollInterval(), relay::drain);
    outbox.onCommitted(OutboxRepository.Kind.EVENT, passes::wake);
    outbox.onCommitted(OutboxRepository.Kind.DEAD_LETTER, passes::wake);
    return passes;
  }
}
