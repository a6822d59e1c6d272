package dev.aegis.orchestrator.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one topic from the position it had when the tail was opened: records published before are
 * never seen, records published after are seen once. It assigns all partitions directly (no
 * consumer group), so it is positioned as soon as {@link SharedKafka#tail} returns, and reads only
 * committed records, as Aegis's own consumers do.
 *
 * <p>Records come back in arrival order per partition; across partitions there is no order. Not
 * thread-safe: use one tail from one thread, and close it.
 */
public final class TopicTail implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;

  private TopicTail(String topic, KafkaConsumer<String, byte[]> consumer) {
    this.topic = topic;
    this.consumer = consumer;
  }

  static TopicTail open(String bootstrapServers, String topic) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, METADATA_TIMEOUT).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    // seekToEnd is lazy; asking for the positions fixes them now, before the test publishes.
    partitions.forEach(consumer::position);
    return new TopicTail(topic, consumer);
  }

  /**
   * Waits for {@code count} records.
   *
   * @throws AssertionError if fewer arrive within {@code timeout}, listing those that did
   */
  public List<ConsumerRecord<String, byte[]>> take(int count, Duration timeout) {
    return take(count, timeout, any -> true);
  }

  /**
   * Waits for {@code count} records that match {@code filter}; others are skipped for good.
   *
   * @throws AssertionError if fewer match within {@code timeout}, listing those that did
   */
  public List<ConsumerRecord<String, byte[]>> take(
      int count, Duration timeout, Predicate<ConsumerRecord<String, byte[]>> filter) {
    List<ConsumerRecord<String, byte[]>> taken = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (taken.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
        if (filter.test(record) && taken.size() < count) {
          taken.add(record);
        }
      }
    }
    if (taken.size() < count) {
      throw new AssertionError(
          "expected "
              + count
              + " record(s) on "
              + topic
              + " within "
              + timeout
              + " but got "
              + taken.size()
              + ": "
              + describe(taken));
    }
    return taken;
  }

  /** Everything (matching {@code filter}) that arrives during {@code period}; maybe nothing. */
  public List<ConsumerRecord<String, byte[]>> collectFor(
      Duration period, Predicate<ConsumerRecord<String, byte[]>> filter) {
    List<ConsumerRecord<String, byte[]>> collected = new ArrayList<>();
    long deadline = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < deadline) {
      consumer
          .poll(POLL)
          .forEach(
              record -> {
                if (filter.test(record)) {
                  collected.add(record);
                }
              });
    }
    return collected;
  }

  /** The last value of header {@code name} as UTF-8 text, or null if absent. */
  public static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The record's value as UTF-8 text, or null. */
  public static String text(ConsumerRecord<?, byte[]> record) {
    return record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
  }

  private static String describe(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream()
        .map(r -> r.partition() + "@" + r.offset() + " key=" + r.key())
        .toList()
        .toString();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
