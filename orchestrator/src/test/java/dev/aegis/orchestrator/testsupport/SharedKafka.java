package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaBootstrap;
import dev.aegis.orchestrator.standalone.infrastructure.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The shared in-process KRaft broker of the test JVM, with the contract topics created (3
 * partitions each), and raw-record helpers. Obtain it from {@link SharedInfrastructure#kafka()}.
 *
 * <p>Topics are shared by every test class, so tests read with a {@link TopicTail} opened before
 * they act, and filter by key when other traffic may be present. Thread-safe.
 */
public final class SharedKafka implements AutoCloseable {

  private static final int PARTITIONS = KafkaSettings.DEFAULT_PARTITIONS;
  private static final long SEND_TIMEOUT_SECONDS = 30;

  private final AegisKafkaBootstrap bootstrap;
  private final KafkaProducer<String, byte[]> producer;

  private SharedKafka(AegisKafkaBootstrap bootstrap) {
    this.bootstrap = bootstrap;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  static SharedKafka start() {
    return new SharedKafka(AegisKafkaBootstrap.start(KafkaSettings.embedded(0, PARTITIONS)));
  }

  /** The broker's address. */
  public String bootstrapServers() {
    return bootstrap.bootstrapServers();
  }

  /**
   * Publishes one record and waits until the broker has it.
   *
   * @param key the record key, may be null
   * @param headers header values, written as UTF-8 (as CloudEvents {@code ce_*} headers are)
   */
  public RecordMetadata publish(
      String topic, String key, byte[] value, Map<String, String> headers) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
    headers.forEach(
        (name, text) ->
            record.headers().add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
    return publish(record);
  }

  /** Publishes a fully built record (any header bytes) and waits until the broker has it. */
  public RecordMetadata publish(ProducerRecord<String, byte[]> record) {
    try {
      return producer.send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to " + record.topic(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not publish to " + record.topic(), e);
    }
  }

  /** A reader of {@code topic} that sees only records published from now on. */
  public TopicTail tail(String topic) {
    return TopicTail.open(bootstrapServers(), topic);
  }

  /**
   * Commits, for consumer group {@code groupId}, the current end offset of every partition of
   * {@code topics}, so a consumer of that (new or idle) group starts exactly here: it neither
   * replays what earlier test classes published nor misses what is published after this call.
   */
  public void positionGroupAtEnd(String groupId, Collection<String> topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      List<TopicPartition> partitions =
          topics.stream()
              .flatMap(
                  topic ->
                      IntStream.range(0, partitionCount(admin, topic))
                          .mapToObj(p -> new TopicPartition(topic, p)))
              .toList();
      Map<TopicPartition, OffsetSpec> latest =
          partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
      Map<TopicPartition, OffsetAndMetadata> ends =
          admin
              .listOffsets(latest)
              .all()
              .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .entrySet()
              .stream()
              .collect(
                  Collectors.toMap(
                      Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
      admin
          .alterConsumerGroupOffsets(groupId, ends)
          .all()
          .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while positioning group " + groupId, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not position group " + groupId, e);
    }
  }

  /**
   * The partitions of {@code topic} each member of consumer group {@code groupId} holds now, by the
   * member's client id (members sharing a client id are merged).
   */
  public Map<String, Set<Integer>> assignments(String groupId, String topic) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      Map<String, Set<Integer>> out = new TreeMap<>();
      admin
          .describeConsumerGroups(List.of(groupId))
          .all()
          .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .get(groupId)
          .members()
          .forEach(
              m ->
                  m.assignment().topicPartitions().stream()
                      .filter(tp -> tp.topic().equals(topic))
                      .forEach(
                          tp ->
                              out.computeIfAbsent(m.clientId(), k -> new TreeSet<>())
                                  .add(tp.partition())));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing group " + groupId, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not describe group " + groupId, e);
    }
  }

  private static int partitionCount(Admin admin, String topic) {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not describe " + topic, e);
    }
  }

  @Override
  public void close() {
    producer.close();
    bootstrap.close();
  }

  @Override
  public String toString() {
    return "SharedKafka[" + bootstrapServers() + "]";
  }
}
