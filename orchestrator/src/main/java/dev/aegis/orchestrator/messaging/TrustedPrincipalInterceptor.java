package dev.aegis.orchestrator.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigException;

/**
 * A producer interceptor that stamps every record with the Kafka principal its producer is deployed
 * as, replacing any value the application set, so that Aegis can check a source bound to a
 * principal ({@code aegis.kafka.trust.principals}). It depends on kafka-clients only.
 *
 * <p>Producer configuration:
 *
 * <pre>
 * interceptor.classes=dev.aegis.orchestrator.messaging.TrustedPrincipalInterceptor
 * aegis.kafka.principal=User:monitor
 * aegis.kafka.principal.header=aegis_kafka_principal   (optional, this is the default)
 * </pre>
 *
 * <p>The header is only as trustworthy as the producer's configuration: Kafka does not tell a
 * consumer who produced a record, so a producer that can drop the interceptor can write any value.
 * It tells apart producers that all run with the interceptor (a platform-managed client
 * configuration), and is no substitute for write ACLs on the topics.
 */
public final class TrustedPrincipalInterceptor implements ProducerInterceptor<Object, Object> {

  /** The producer setting naming the principal to stamp. */
  public static final String PRINCIPAL_CONFIG = "aegis.kafka.principal";

  /** The producer setting naming the header, if not {@link #DEFAULT_HEADER}. */
  public static final String HEADER_CONFIG = "aegis.kafka.principal.header";

  public static final String DEFAULT_HEADER = "aegis_kafka_principal";

  private String header = DEFAULT_HEADER;
  private byte[] principal;

  @Override
  public void configure(Map<String, ?> configs) {
    Object configured = configs.get(PRINCIPAL_CONFIG);
    if (configured == null || configured.toString().isBlank()) {
      throw new ConfigException(
          PRINCIPAL_CONFIG,
          configured,
          "TrustedPrincipalInterceptor needs the principal this producer is deployed as");
    }
    principal = configured.toString().strip().getBytes(StandardCharsets.UTF_8);
    Object name = configs.get(HEADER_CONFIG);
    if (name != null && !name.toString().isBlank()) {
      header = name.toString().strip();
    }
  }

  @Override
  public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
    record.headers().remove(header);
    record.headers().add(header, principal.clone());
    return record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    // Nothing to do: the header is set before the record leaves.
  }

  @Override
  public void close() {
    // Holds no resources.
  }
}
