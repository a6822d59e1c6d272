package dev.aegis.orchestrator.bench;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** The benchmark's reference workloads, wherever they run ({@link ReferenceWorkloads}). */
interface References extends AutoCloseable {

  /**
   * Events per second for a plain consumer reading {@code total} records from {@code from} on,
   * optionally decoding each with the codec.
   */
  double consume(Map<TopicPartition, Long> from, long total, boolean decode) throws Exception;

  /**
   * Events per second for writing the rows of one event per key (marker, window, step sample) in
   * batches from {@code threads} threads, each with its share of the keys.
   */
  double write(List<String> keys, int threads) throws Exception;

  /**
   * Events per second for the least any pipeline does with the records from {@code from} on: read
   * them from {@code threads} consumers, each with its share of the partitions, decode each with
   * the codec, and write its rows (marker, window, step sample) from the decoded event, one
   * transaction per poll. No lifecycle: no experiment is read, locked, judged or written.
   */
  double floor(Map<TopicPartition, Long> from, long total, int threads) throws Exception;

  /** The process the references run in, for its CPU time; this JVM's when they run inline. */
  long pid();

  @Override
  void close();
}
