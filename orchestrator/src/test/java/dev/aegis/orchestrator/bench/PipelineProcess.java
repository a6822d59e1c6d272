package dev.aegis.orchestrator.bench;

import dev.aegis.orchestrator.kubernetes.AegisKubernetes;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The orchestrator in a JVM of its own ({@link LocalPipeline#main}), as a replica runs: the
 * harness's JVM keeps the Kafka broker, and hosts the Kubernetes API the orchestrator acts on (the
 * in-process server standalone mode starts, here as an external cluster), so the orchestrator's JIT
 * compiles only the orchestrator's code.
 */
final class PipelineProcess implements Pipeline {

  /**
   * The orchestrator JVM's heap: the image's 75% of the memory the chart's default Pod may use, 2
   * GiB; set with {@code -Dbench.pipeline.heap}.
   */
  static final String HEAP = System.getProperty("bench.pipeline.heap", "1536m");

  /**
   * The image's other flags (orchestrator/pom.xml, Jib's {@code jvmFlags} and {@code
   * JDK_JAVA_OPTIONS}): the parallel collector (ADR-018), and an exit on running out of memory.
   */
  private static final List<String> IMAGE_FLAGS =
      List.of("-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError");

  /**
   * More flags for the orchestrator's JVM, space-separated ({@code -Dbench.pipeline.jvm=...}),
   * after the image's, e.g. a JIT log: {@code
   * -Xlog:jit+compilation=debug:file=/tmp/jit.log:uptime}, or another collector: {@code
   * -XX:-UseParallelGC -XX:+UseG1GC}.
   */
  private static final List<String> MORE_FLAGS =
      Arrays.stream(System.getProperty("bench.pipeline.jvm", "").split(" "))
          .filter(f -> !f.isBlank())
          .toList();

  /**
   * The API server logs every request at INFO through java.util.logging, which this JVM (no Spring
   * Boot logging here) would print: a line per request of every traffic shift.
   */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  private final AegisKubernetes cluster;
  private final ChildJvm child;
  private final int batch;
  private final int consumerThreads;

  private PipelineProcess(AegisKubernetes cluster, ChildJvm child, String ready) {
    this.cluster = cluster;
    this.child = child;
    String[] sizes = ready.split(" ");
    this.batch = Integer.parseInt(sizes[0]);
    this.consumerThreads = Integer.parseInt(sizes[1]);
  }

  /** The orchestrator JVM's flags: its heap, the image's other flags, then the more flags given. */
  static List<String> flags() {
    return Stream.of(Stream.of("-Xmx" + HEAP), IMAGE_FLAGS.stream(), MORE_FLAGS.stream())
        .flatMap(f -> f)
        .toList();
  }

  /**
   * Starts the orchestrator with {@code properties}, on an API server this JVM hosts; it logs to
   * {@code logFile}.
   */
  static PipelineProcess start(Map<String, String> properties, Path logFile) {
    AegisKubernetes cluster = AegisKubernetes.inProcess(0, List.of());
    try {
      Map<String, String> own = new LinkedHashMap<>(properties);
      own.put("aegis.kubernetes.mode", "external");
      own.put("aegis.kubernetes.master-url", cluster.masterUrl());
      own.put("logging.file.name", logFile.toString());
      ChildJvm.Started started =
          ChildJvm.start(
              "pipeline",
              LocalPipeline.ANSWER,
              LocalPipeline.class,
              flags(),
              LocalPipeline.arguments(own),
              5);
      return new PipelineProcess(cluster, started.child(), started.answer());
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  @Override
  public int batch() {
    return batch;
  }

  @Override
  public int consumerThreads() {
    return consumerThreads;
  }

  @Override
  public KubernetesClient cluster() {
    return cluster.client();
  }

  @Override
  public void submitExperiments(int count) {
    child.call("experiments " + count);
  }

  @Override
  public void submitProbes(int count, int round) {
    child.call("probes " + count + " " + round);
  }

  @Override
  public void holdIngest(boolean leaveGroup) {
    child.call("hold " + leaveGroup);
  }

  @Override
  public double run(long total, int round) {
    return Double.parseDouble(child.call("run " + total + " " + round));
  }

  @Override
  public String lastRun() {
    return child.call("last");
  }

  @Override
  public long consumerAllocatedBytes() {
    return Long.parseLong(child.call("allocated"));
  }

  @Override
  public long pid() {
    return child.pid();
  }

  @Override
  public void close() {
    try {
      child.close();
    } finally {
      cluster.close();
    }
  }
}
