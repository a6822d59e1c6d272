package dev.aegis.orchestrator.config;

import dev.aegis.events.EventCodec;
import dev.aegis.orchestrator.deadletter.DeadLetterRecorder;
import dev.aegis.orchestrator.deadletter.DeadLetterRecorderHealth;
import dev.aegis.orchestrator.deadletter.ReplayService;
import dev.aegis.orchestrator.experiments.DecisionRecorder;
import dev.aegis.orchestrator.experiments.ExperimentService;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.messaging.BatchProcessor;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ChaosRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.HealthWindowRepository;
import dev.aegis.orchestrator.persistence.InboxRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.statemachine.LifecycleStateMachine;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
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

  @Bean ExperimentRepository experimentRepository() { return new ExperimentRepository(); }
  @Bean TransitionRepository transitionRepository() { return new TransitionRepository(); }
  @Bean OutboxRepository outboxRepository() { return new OutboxRepository(); }
  @Bean InboxRepository inboxRepository() { return new InboxRepository(); }
  @Bean HealthWindowRepository healthWindowRepository() { return new HealthWindowRepository(); }
  @Bean RcaRepository rcaRepository() { return new RcaRepository(); }
  @Bean ChaosRepository chaosRepository() { return new ChaosRepository(); }
  @Bean AuditRepository auditRepository() { return new AuditRepository(); }
  @Bean ServiceRepository serviceRepository() { return new ServiceRepository(); }
  @Bean DeadLetterRepository deadLetterRepository() { return new DeadLetterRepository(); }

  @Bean
  DecisionRecorder decisionRecorder(LifecycleCore core, ExperimentRepository experiments,
      TransitionRepository transitions, OutboxRepository outbox, HealthWindowRepository health,
      ChaosRepository chaos, RcaRepository rcas) {
    return new DecisionRecorder(core, experiments, transitions, outbox, health, chaos, rcas);
  }

  @Bean
  ExperimentService experimentService(Jdbi jdbi, Clock clock, LifecycleCore core, DecisionRecorder recorder,
      ExperimentRepository experiments, RcaRepository rcas, AuditRepository audit, AegisProperties properties) {
    return new ExperimentService(jdbi, clock, core, recorder, experiments, rcas, audit, properties.policy().toPolicy());
  }

  @Bean
  BatchProcessor batchProcessor(Jdbi jdbi, Clock clock, LifecycleCore core, DecisionRecorder recorder,
      ExperimentService service, ExperimentRepository experiments, HealthWindowRepository health,
      InboxRepository inbox, OutboxRepository outbox, ChaosRepository chaos, MeterRegistry metrics,
      AegisProperties properties, dev.aegis.orchestrator.remediation.ProductionWatch watch) {
    return new BatchProcessor(jdbi, clock, core, recorder, service, experiments, health, inbox, outbox, chaos,
        metrics, properties.health().maxClockSkew(), watch);
  }

  @Bean
  DeadLetterRecorder deadLetterRecorder(Jdbi jdbi, DeadLetterRepository repository, EventCodec codec, Clock clock) {
    return new DeadLetterRecorder(jdbi, repository, codec, clock);
  }

  @Bean
  DeadLetterRecorderHealth deadLettersHealthIndicator(DeadLetterRecorder recorder, MeterRegistry metrics) {
    return new DeadLetterRecorderHealth(recorder, metrics);
  }

  @Bean
  ReplayService replayService(Jdbi jdbi, DeadLetterRepository repository, AuditRepository audit,
      KafkaTemplate<byte[], byte[]> kafka, Clock clock, dev.aegis.orchestrator.deadletter.DeadLetterProperties settings) {
    return new ReplayService(jdbi, repository, audit, kafka, clock, settings.replayTopics());
  }

  @Bean
  dev.aegis.orchestrator.suggestions.SuggestionService suggestionService(Jdbi jdbi, Clock clock,
      TransitionRepository transitions, AuditRepository audit, RcaRepository rcas) {
    return new dev.aegis.orchestrator.suggestions.SuggestionService(jdbi, clock, transitions, audit, rcas);
  }

  @Bean
  dev.aegis.orchestrator.backtest.BacktestService backtestService(Jdbi jdbi, LifecycleCore core,
      AegisProperties properties, HealthWindowRepository health, ExperimentRepository experiments) {
    return new dev.aegis.orchestrator.backtest.BacktestService(jdbi, core, properties.policy().toPolicy(), health,
        experiments);
  }
}
