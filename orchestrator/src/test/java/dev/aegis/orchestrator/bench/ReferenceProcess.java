package dev.aegis.orchestrator.bench;

import dev.aegis.orchestrator.reliability.OrchestratorProcess;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link ReferenceWorkloads} in a JVM of their own, started with this JVM's classpath and driven
 * over its standard input and output.
 */
final class ReferenceProcess implements References {

  /** Queued when the child's output ends. */
  private static final String EXITED = "\u0000exited";

  /** Lines of the child's own output kept to explain a failure. */
  private static final int KEPT_LINES = 40;

  private final Process process;
  private final BufferedWriter commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Deque<String> recent = new ArrayDeque<>();

  private ReferenceProcess(Process process) {
    this.process = process;
    this.commands =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    // Read without pause, so that the child never blocks on a full pipe while it logs.
    Thread reader = new Thread(this::read, "bench-reference-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (var output =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = output.readLine()) != null) {
        if (line.startsWith(ReferenceWorkloads.ANSWER)) {
          answers.add(line.substring(ReferenceWorkloads.ANSWER.length()));
        } else {
          synchronized (recent) {
            recent.addLast(line);
            if (recent.size() > KEPT_LINES) {
              recent.removeFirst();
            }
          }
        }
      }
    } catch (IOException e) {
      // The child is gone; answer() says so.
    }
    answers.add(EXITED);
  }

  /** Starts the child and waits until its pool and codec are ready. */
  static ReferenceProcess start(String bootstrapServers, String jdbcUrl, String user, int batch) {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-Dbench.reference.rows=" + ReferenceWorkloads.ROWS,
            "-cp",
            OrchestratorProcess.classpath(),
            ReferenceWorkloads.class.getName(),
            bootstrapServers,
            jdbcUrl,
            user,
            String.valueOf(batch));
    ReferenceProcess child;
    try {
      child = new ReferenceProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      child.answer();
      return child;
    } catch (RuntimeException e) {
      // Not ready: the harness will not close what it never got, so nothing may outlive it.
      child.process.destroyForcibly();
      throw e;
    }
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

  @Override
  public long pid() {
    return process.pid();
  }

  private double call(String command) {
    try {
      commands.write(command);
      commands.newLine();
      commands.flush();
    } catch (IOException e) {
      throw new IllegalStateException("the reference process is gone: " + log(), e);
    }
    return answer();
  }

  /** Waits (up to 10 minutes) for the child's next answer. */
  private double answer() {
    String answer;
    try {
      answer = answers.poll(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (answer == null || answer.equals(EXITED)) {
      throw new IllegalStateException(
          "the reference process " + (answer == null ? "did not answer" : "exited") + "; " + log());
    }
    if (!answer.startsWith("ok ")) {
      throw new IllegalStateException("reference process: " + answer + "; " + log());
    }
    return Double.parseDouble(answer.substring(3));
  }

  private String log() {
    synchronized (recent) {
      return "its last output: " + String.join(" | ", recent);
    }
  }

  @Override
  public void close() {
    try {
      commands.close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
