package dev.aegis.orchestrator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/** {@link ReferenceWorkloads} in a JVM of their own ({@link ChildJvm}). */
final class ReferenceProcess implements References {

  private final ChildJvm child;

  private ReferenceProcess(ChildJvm child) {
    this.child = child;
  }

  /** Starts the child and waits until its pool and codec are ready. */
  static ReferenceProcess start(String bootstrapServers, String jdbcUrl, String user, int batch) {
    return new ReferenceProcess(
        ChildJvm.start(
                "reference",
                ReferenceWorkloads.ANSWER,
                ReferenceWorkloads.class,
                List.of("-Xmx1g", "-Dbench.reference.rows=" + ReferenceWorkloads.ROWS),
                List.of(bootstrapServers, jdbcUrl, user, String.valueOf(batch)),
                10)
            .child());
  }

  @Override
  public double consume(Map<TopicPartition, Long> from, long total, boolean decode) {
    return call("consume " + decode + " " + total + " " + positions(from));
  }

  @Override
  public double floor(Map<TopicPartition, Long> from, long total, int threads) {
    return call("floor " + threads + " " + total + " " + positions(from));
  }

  private static String positions(Map<TopicPartition, Long> from) {
    return from.entrySet().stream()
        .map(e -> e.getKey().topic() + ":" + e.getKey().partition() + ":" + e.getValue())
        .collect(Collectors.joining(","));
  }

  @Override
  public double write(List<String> keys, int threads) throws IOException {
    Path file = Files.createTempFile("aegis-bench-keys", ".txt");
    try {
      Files.write(file, keys, StandardCharsets.UTF_8);
      return call("write " + threads + " " + file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private double call(String command) {
    return Double.parseDouble(child.call(command));
  }

  @Override
  public long pid() {
    return child.pid();
  }

  @Override
  public void close() {
    child.close();
  }
}
