package dev.aegis.orchestrator.config;

import dev.aegis.events.EventCodec;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.application.SubmissionTargets;
import dev.aegis.orchestrator.backtest.BacktestService;
import dev.aegis.orchestrator.deadletter.DeadLetterProperties;
import dev.aegis.orchestrator.deadletter.DeadLetterRecorder;
import dev.aegis.orchestrator.deadletter.DeadLetterRecorderHealth;
import dev.aegis.orchestrator.deadletter.ReplayService;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.messaging.BatchProcessor;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ChaosRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.HealthWindowRepository;
import dev.aegis.orchestrator.persistence.InboxRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.StepSampleRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.production.watch.ProductionWatch;
import dev.aegis.orchestrator.statemachine.LifecycleStateMachine;
import dev.aegis.orchestrator.suggestions.SuggestionService;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** The core, the repositories and the services around it. */
@Configuration(proxyBeanMethods = false)
public class LifecycleConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  LifecycleCore lifecycleCore() {
    return new LifecycleCore(LifecycleStateMachine.transitionTable());
  }

  @Bean
  EventCodec eventCodec() {
    return new EventCodec();
  }

  /**
   * The step samples of the experiments this replica judges, replayed once and kept in memory up to
   * {@code aegis.persistence.sample-cache} samples in all (docs/architecture.md, hot path).
   */
  @Bean
  StepSampleRepository stepSampleRepository(
      @Value("${aegis.persistence.sample-cache:" + StepSampleRepository.DEFAULT_CACHE_SAMPLES + "}")
          int cacheSamples) {
    return new StepSampleRepository(cacheSamples);
  }

  /**
   * Experiment rows, with up to {@code aegis.persistence.row-cache} of them kept decoded for the
   * batches that lock them again, and a busy canary's unchanged verdict stored at most every {@code
   * aegis.persistence.judgment-interval} (docs/architecture.md, hot path).
   */
  @Bean
  ExperimentRepository experimentRepository(
      StepSampleRepository samples,
      @Value("${aegis.persistence.row-cache:" + ExperimentRepository.DEFAULT_CACHE_ROWS + "}")
          int cachedRows,
      @Value("${aegis.persistence.judgment-interval:5s}") Duration judgmentInterval) {
    if (judgmentInterval.isNegative()) {
      throw new IllegalArgumentException(
          "aegis.persistence.judgment-interval must not be negative: " + judgmentInterval);
    }
    return new ExperimentRepository(samples, cachedRows, judgmentInterval);
  }

  @Bean
  TransitionRepository transitionRepository() {
    return new TransitionRepository();
  }

  @Bean
  OutboxRepository outboxRepository() {
    return new OutboxRepository();
  }

  @Bean
  InboxRepository inboxRepository() {
    return new InboxRepository();
  }

  @Bean
  HealthWindowRepository healthWindowRepository() {
    return new HealthWindowRepository();
  }

  @Bean
  RcaRepository rcaRepository() {
    return new RcaRepository();
  }

  @Bean
  ChaosRepository chaosRepository() {
    return new ChaosRepository();
  }

  @Bean
  AuditRepository auditRepository() {
    return new AuditRepository();
  }

  @Bean
  ServiceRepository serviceRepository() {
    return new ServiceRepository();
  }

  @Bean
  DeadLetterRepository deadLetterRepository() {
    return new DeadLetterRepository();
  }

  @Bean
  EventOutbox eventOutbox(OutboxRepository outbox, ObjectProvider<EventOutbox.Tap> taps) {
    return new EventOutbox(outbox, taps.orderedStream().toList());
  }

  @Bean
  LifecycleService lifecycleService(
      LifecycleCore core,
      ExperimentRepository experiments,
      TransitionRepository transitions,
      OutboxRepository outbox,
      HealthWindowRepository health,
      ChaosRepository chaos,
      RcaRepository rcas,
      AuditRepository audit,
      EventOutbox events,
      MeterRegistry metrics) {
    return new LifecycleService(
        core, experiments, transitions, outbox, health, chaos, rcas, audit, events, metrics);
  }

  @Bean
  ExperimentService experimentService(
      Transactions transactions,
      Clock clock,
      LifecycleService lifecycle,
      ExperimentRepository experiments,
      ServiceRepository services,
      RcaRepository rcas,
      AuditRepository audit,
      AegisProperties properties,
      ObjectProvider<SubmissionTargets> targets) {
    // Without a cluster (a context that leaves Kubernetes out) nothing can be checked: submissions
    // go ahead, as when the API is down.
    return new ExperimentService(
        transactions,
        clock,
        lifecycle,
        experiments,
        services,
        rcas,
        audit,
        properties.policy().toPolicy(),
        targets.getIfAvailable(() -> SubmissionTargets.NO_CLUSTER));
  }

  @Bean
  BatchProcessor batchProcessor(
      Transactions transactions,
      Clock clock,
      LifecycleService lifecycle,
      ExperimentService service,
      ExperimentRepository experiments,
      HealthWindowRepository health,
      InboxRepository inbox,
      OutboxRepository outbox,
      ChaosRepository chaos,
      MeterRegistry metrics,
      AegisProperties properties,
      ProductionWatch watch) {
    return new BatchProcessor(
        transactions,
        clock,
        lifecycle,
        service,
        experiments,
        health,
        inbox,
        outbox,
        chaos,
        metrics,
        properties.health().maxClockSkew(),
        watch);
  }

  @Bean
  DeadLetterRecorder deadLetterRecorder(
      Transactions transactions, DeadLetterRepository repository, EventCodec codec, Clock clock) {
    return new DeadLetterRecorder(transactions, repository, codec, clock);
  }

  @Bean
  DeadLetterRecorderHealth deadLettersHealthIndicator(
      DeadLetterRecorder recorder, MeterRegistry metrics) {
    return new DeadLetterRecorderHealth(recorder, metrics);
  }

  @Bean
  ReplayService replayService(
      Transactions transactions,
      DeadLetterRepository repository,
      AuditRepository audit,
      KafkaTemplate<byte[], byte[]> kafka,
      Clock clock,
      DeadLetterProperties settings) {
    return new ReplayService(
        transactions, repository, audit, kafka, clock, settings.replayTopics());
  }

  @Bean
  SuggestionService suggestionService(
      Transactions transactions,
      Clock clock,
      TransitionRepository transitions,
      AuditRepository audit,
      RcaRepository rcas) {
    return new SuggestionService(transactions, clock, transitions, audit, rcas);
  }

  @Bean
  BacktestService backtestService(
      Transactions transactions,
      LifecycleCore core,
      AegisProperties properties,
      HealthWindowRepository health,
      ExperimentRepository experiments) {
    return new BacktestService(
        transactions, core, properties.policy().toPolicy(), health, experiments);
  }
}
