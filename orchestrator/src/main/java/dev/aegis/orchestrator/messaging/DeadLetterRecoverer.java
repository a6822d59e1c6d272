package dev.aegis.orchestrator.messaging;

import dev.aegis.events.Topics;
import dev.aegis.orchestrator.deadletter.DeadLetterRequest;
import dev.aegis.orchestrator.deadletter.DeadLetters;
import dev.aegis.orchestrator.errors.Causes;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;

/**
 * Dead-letters a record whose processing kept failing past its retries. This path must not need the
 * database (the database may be what fails), so it publishes straight to {@code aegis.dlq} and
 * waits for the broker's acknowledgement; if even that fails, it throws, and the record is retried
 * rather than lost.
 */
public class DeadLetterRecoverer implements ConsumerRecordRecoverer {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterRecoverer.class);

  private final KafkaTemplate<byte[], byte[]> kafka;
  private final IngestListener listener;

  public DeadLetterRecoverer(KafkaTemplate<byte[], byte[]> kafka, IngestListener listener) {
    this.kafka = kafka;
    this.listener = listener;
  }

  @Override
  public void accept(ConsumerRecord<?, ?> record, Exception exception) {
    @SuppressWarnings("unchecked")
    InboundRecord r = listener.inbound((ConsumerRecord<byte[], byte[]>) record);
    Throwable cause = Causes.root(exception);
    DeadLetterRequest request =
        DeadLetters.request(
            r.consumed(),
            "processing-failed",
            "still failing after retries: " + cause.getMessage(),
            cause.getClass().getName(),
            listener.firstFailedAt(r.topic(), r.partition(), r.offset()));
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.DLQ, null, r.key(), r.value());
    DeadLetters.headers(request).forEach((name, value) -> out.headers().add(name, value));
    try {
      kafka.send(out).get(30, TimeUnit.SECONDS);
      log.error("dead-lettered {} after retries: {}", r.cause(), cause.toString());
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not dead-letter " + r.cause() + "; it will be retried", e);
    }
  }
}
