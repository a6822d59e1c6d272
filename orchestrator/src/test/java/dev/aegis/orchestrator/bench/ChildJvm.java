package dev.aegis.orchestrator.bench;

import dev.aegis.orchestrator.reliability.OrchestratorProcess;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A part of the benchmark in a JVM of its own, started with this JVM's classpath and driven over
 * its standard input and output: one command per line in, one answer per command out. Answers are
 * the child's output lines that start with the child's prefix ({@link #serve}), {@code ok <text>}
 * or {@code error <reason>}; every other line it writes is kept (the last 40) to explain a failure.
 */
final class ChildJvm implements AutoCloseable {

  /** Queued when the child's output ends. */
  private static final String EXITED = "\u0000exited";

  /** Lines of the child's own output kept to explain a failure. */
  private static final int KEPT_LINES = 40;

  private final String name;
  private final String prefix;
  private final Process process;
  private final BufferedWriter commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Deque<String> recent = new ArrayDeque<>();

  private ChildJvm(String name, String prefix, Process process) {
    this.name = name;
    this.prefix = prefix;
    this.process = process;
    this.commands =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    // Read without pause, so that the child never blocks on a full pipe while it logs.
    Thread reader = new Thread(this::read, "bench-" + name.replace(' ', '-') + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} with {@code jvmFlags} and {@code args}, answering with lines that
   * start with {@code prefix}, and waits (up to {@code timeout} minutes) for its first answer: that
   * it is ready.
   *
   * @return the child and the text of its first answer
   */
  static Started start(
      String name,
      String prefix,
      Class<?> mainClass,
      List<String> jvmFlags,
      List<String> args,
      int timeoutMinutes) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(OrchestratorProcess.classpath());
    command.add(mainClass.getName());
    command.addAll(args);
    ChildJvm child;
    try {
      child =
          new ChildJvm(name, prefix, new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return new Started(child, child.answer(timeoutMinutes));
    } catch (RuntimeException e) {
      // Not ready: the harness will not close what it never got, so nothing may outlive it.
      child.process.destroyForcibly();
      throw e;
    }
  }

  /** A child that answered that it is ready, and what it answered. */
  record Started(ChildJvm child, String answer) {}

  private void read() {
    try (var output =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = output.readLine()) != null) {
        if (line.startsWith(prefix)) {
          answers.add(line.substring(prefix.length()));
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

  /** Sends {@code command} and waits (up to 10 minutes) for the text of its {@code ok} answer. */
  String call(String command) {
    try {
      commands.write(command);
      commands.newLine();
      commands.flush();
    } catch (IOException e) {
      throw new IllegalStateException("the " + name + " process is gone: " + log(), e);
    }
    return answer(10);
  }

  private String answer(int timeoutMinutes) {
    String answer;
    try {
      answer = answers.poll(timeoutMinutes, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (answer == null || answer.equals(EXITED)) {
      throw new IllegalStateException(
          "the "
              + name
              + " process "
              + (answer == null ? "did not answer" : "exited")
              + "; "
              + log());
    }
    if (!answer.startsWith("ok")) {
      throw new IllegalStateException(name + " process: " + answer + "; " + log());
    }
    return answer.substring(2).trim();
  }

  private String log() {
    synchronized (recent) {
      return "its last output: " + String.join(" | ", recent);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Closes the child's input, which ends it, and waits (up to 60 s) before killing it. */
  @Override
  public void close() {
    try {
      commands.close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** What a child does with one command: the text of its {@code ok} answer. */
  @FunctionalInterface
  interface Handler {
    String handle(String[] command) throws Exception;
  }

  /**
   * The child's side: answers {@code ok} (with {@code ready}'s text) once, then one answer per line
   * of standard input, each prefixed with {@code prefix}, until the input ends. A command that
   * throws is answered {@code error <what>}.
   */
  static void serve(String prefix, String ready, Handler handler) throws IOException {
    PrintStream answers = System.out;
    answers.println(prefix + "ok " + ready);
    answers.flush();
    try (var commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = commands.readLine()) != null) {
        String answer;
        try {
          answer = "ok " + handler.handle(line.split(" "));
        } catch (Exception | AssertionError e) {
          answer = "error " + String.valueOf(e).replace('\n', ' ');
        }
        answers.println(prefix + answer);
        answers.flush();
      }
    }
  }
}
