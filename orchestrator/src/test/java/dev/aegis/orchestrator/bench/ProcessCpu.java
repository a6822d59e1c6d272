package dev.aegis.orchestrator.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU time used so far by this JVM (with the JVMs the benchmark's references and pipeline run in,
 * when those are others) and by the PostgreSQL server, so that a benchmark can say how many
 * microseconds of each one an event cost. Throughput on two shared cores moves with whatever else
 * the machine does; CPU time per event moves far less, and says which side to make cheaper.
 *
 * <p>The server's time is read from Linux's {@code /proc}: the postmaster's own time, the time of
 * the backends it has already reaped (its children's totals), and that of its live children.
 */
final class ProcessCpu {

  /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on Linux for every common arch. */
  private static final long TICKS_PER_SECOND = 100;

  private final long postmaster;
  private final long referencesJvm;
  private final long pipelineJvm;

  private ProcessCpu(long postmaster, long referencesJvm, long pipelineJvm) {
    this.postmaster = postmaster;
    this.referencesJvm = referencesJvm;
    this.pipelineJvm = pipelineJvm;
  }

  /**
   * A meter for the server whose data directory is {@code dataDirectory}, and for this JVM with the
   * JVMs whose process ids are {@code referencesJvm} and {@code pipelineJvm} (each ignored when it
   * is this one). The threads by kind are the pipeline's JVM's; when that is another, this JVM's
   * threads are listed too, their kinds prefixed with {@value #HARNESS_PREFIX}.
   */
  static ProcessCpu of(Path dataDirectory, long referencesJvm, long pipelineJvm) {
    long self = ProcessHandle.current().pid();
    try {
      List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
      return new ProcessCpu(
          Long.parseLong(lines.get(0).trim()),
          referencesJvm == self ? -1 : referencesJvm,
          pipelineJvm == self ? -1 : pipelineJvm);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("no running postmaster in " + dataDirectory, e);
    }
  }

  /** The prefix of this JVM's thread kinds when the pipeline runs in another. */
  static final String HARNESS_PREFIX = "bench jvm: ";

  /** A reading of the JVMs' and the server's CPU time so far. */
  Reading read() {
    long jvm =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    jvm += processNanos(referencesJvm) + processNanos(pipelineJvm);
    Map<String, Long> threads;
    if (pipelineJvm > 0) {
      threads = threadNanos(String.valueOf(pipelineJvm), "");
      threads.putAll(threadNanos("self", HARNESS_PREFIX));
    } else {
      threads = threadNanos("self", "");
    }
    return new Reading(jvm, postgresNanos(), threads);
  }

  /** The CPU time so far of process {@code pid}; 0 for none (-1). */
  private static long processNanos(long pid) {
    if (pid <= 0) {
      return 0;
    }
    Stat other = stat(Path.of("/proc", String.valueOf(pid), "stat"));
    if (other == null) {
      throw new IllegalStateException("process " + pid + " is gone");
    }
    return other.ownTicks() * 1_000_000_000L / TICKS_PER_SECOND;
  }

  /**
   * The threads of process {@code pid} ({@code self}: this JVM) by what they do (see {@link
   * #kind}), each kind prefixed with {@code prefix}, with their CPU time so far; a thread that has
   * exited no longer counts, so the kinds may add up to less than the JVM.
   */
  private static Map<String, Long> threadNanos(String pid, String prefix) {
    Map<String, Long> out = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task"))) {
      for (Path task : tasks) {
        Stat thread = stat(task.resolve("stat"));
        if (thread != null) { // null: exited meanwhile
          out.merge(
              prefix + kind(thread.name()),
              thread.ownTicks() * 1_000_000_000L / TICKS_PER_SECOND,
              Long::sum);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc/" + pid + "/task", e);
    }
    return out;
  }

  /**
   * Bytes the live threads of {@link #kind} {@code kind} have allocated on the heap since they
   * started. Read before and after a round for the pipeline's consumer threads, they give what its
   * events cost the collector: a figure that, unlike CPU time, does not move with what else the two
   * cores do.
   */
  static long allocatedBytes(String kind) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> kind.equals(kind(t.getName())))
            .mapToLong(Thread::getId)
            .toArray();
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(ids)) {
      total += Math.max(bytes, 0); // -1: exited meanwhile
    }
    return total;
  }

  /** The {@link #kind} of the pipeline's consumer threads. */
  static final String CONSUMERS = "consumers";

  /** The {@link #kind} of the JIT's compiler threads. */
  static final String JIT = "jit";

  /**
   * What a thread of the benchmark's JVM does, from the first 15 characters of its name that Linux
   * keeps: the pipeline's consumers, the JIT compilers, the garbage collector, the in-process Kafka
   * broker, the orchestrator's Kafka clients' network threads, the in-process Kubernetes API, the
   * harness itself (its main thread), or other work of the orchestrator (relays, timers).
   */
  static String kind(String name) {
    if (name.startsWith("ingestContainer")) {
      return CONSUMERS;
    }
    if (name.contains("CompilerThre")) {
      return OTHER_BY_NAME ? JIT + " " + name.substring(0, 2) : JIT;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
      return "gc";
    }
    if (name.startsWith("kafka-producer-")
        || name.startsWith("kafka-coordinat")
        || name.startsWith("kafka-admin-cli")) {
      return "kafka clients";
    }
    if (name.startsWith("data-plane-kafk")
        || name.startsWith("kafka-")
        || name.startsWith("quorum-")
        || name.startsWith("broker-")
        || name.startsWith("controller-")
        || name.startsWith("ExpirationReape")
        || name.startsWith("group-coordinat")
        || name.startsWith("LogDirFailureHa")) {
      return "broker";
    }
    if (name.startsWith("vert.x-")) {
      return "cluster api";
    }
    if (name.startsWith("dev.aegis.orche")) {
      return "harness";
    }
    return OTHER_BY_NAME ? "other " + name.replaceAll("[0-9]+", "N") : "other";
  }

  /**
   * With {@code -Dbench.threads=names} the threads of {@code other} work are listed by name (digits
   * folded, {@code aegis-relay-N}), to see which of the orchestrator's own threads cost what, and
   * the JIT's as {@code jit C1} and {@code jit C2}.
   */
  private static final boolean OTHER_BY_NAME = "names".equals(System.getProperty("bench.threads"));

  private long postgresNanos() {
    Stat own = stat(Path.of("/proc", String.valueOf(postmaster), "stat"));
    if (own == null) {
      throw new IllegalStateException("postmaster " + postmaster + " is gone");
    }
    // utime + stime + cutime + cstime: the reaped backends are in the last two.
    long ticks = own.ownTicks() + own.reapedTicks();
    for (Stat child : children(postmaster).values()) {
      ticks += child.ownTicks();
    }
    return ticks * 1_000_000_000L / TICKS_PER_SECOND;
  }

  /** The PostgreSQL server's postmaster. */
  long postmaster() {
    return postmaster;
  }

  /** The live children of process {@code parent} by process id. */
  static Map<Long, Stat> children(long parent) {
    Map<Long, Stat> out = new TreeMap<>();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        Stat child = stat(process.resolve("stat"));
        if (child != null && child.ppid() == parent) {
          out.put(Long.parseLong(process.getFileName().toString()), child);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return out;
  }

  /**
   * A process's or thread's command name (its first 15 characters), parent and CPU ticks, from
   * {@code /proc/.../stat}.
   *
   * @param ownTicks utime + stime
   * @param reapedTicks cutime + cstime: the children it has reaped
   */
  record Stat(String name, long ppid, long ownTicks, long reapedTicks) {}

  /** One process's or thread's {@link Stat}; null once it has exited. */
  private static Stat stat(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return null;
    }
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    // fields[0] is the state (field 3 of proc(5)); ppid is field 4, utime..cstime fields 14..17.
    return new Stat(
        text.substring(text.indexOf('(') + 1, text.lastIndexOf(')')),
        Long.parseLong(fields[1]),
        Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
        Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
  }

  /** CPU time so far, in nanoseconds; the pipeline's JVM's threads by {@link #kind}. */
  record Reading(long jvmNanos, long postgresNanos, Map<String, Long> threadNanos) {

    /** Microseconds of each per event between {@code earlier} and this reading. */
    PerEvent since(Reading earlier, long events) {
      return new PerEvent(
          (jvmNanos - earlier.jvmNanos) / 1_000.0 / events,
          (postgresNanos - earlier.postgresNanos) / 1_000.0 / events);
    }

    /**
     * Microseconds per event of the threads of {@code kind} between {@code earlier} and this
     * reading.
     */
    double kindSince(Reading earlier, String kind, long events) {
      return (nanos(kind) - earlier.nanos(kind)) / 1_000.0 / events;
    }

    /** The CPU time of {@code kind}'s threads, with its named parts ({@code jit C2}) if listed. */
    private long nanos(String kind) {
      return threadNanos.entrySet().stream()
          .filter(e -> e.getKey().equals(kind) || e.getKey().startsWith(kind + " "))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    /**
     * Microseconds per event of the threads by kind between {@code earlier} and this reading,
     * largest first (a kind whose threads exited meanwhile may read low).
     */
    String threadsSince(Reading earlier, long events) {
      return threadNanos.keySet().stream()
          .map(kind -> Map.entry(kind, kindSince(earlier, kind, events)))
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
          .collect(Collectors.joining(", "));
    }
  }

  /**
   * CPU microseconds per event in the JVMs (the harness's with the Kafka broker, and the
   * references' and the pipeline's when they run in JVMs of their own) and in PostgreSQL.
   */
  record PerEvent(double jvmMicros, double postgresMicros) {}
}
