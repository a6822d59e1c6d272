package dev.aegis.orchestrator.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time used so far by this JVM (with the JVM the benchmark's references run in, when that is
 * another) and by the PostgreSQL server, so that a benchmark can say how many microseconds of each
 * one an event cost. Throughput on two shared cores moves with whatever else the machine does; CPU
 * time per event moves far less, and says which side to make cheaper.
 *
 * <p>The server's time is read from Linux's {@code /proc}: the postmaster's own time, the time of
 * the backends it has already reaped (its children's totals), and that of its live children.
 */
final class ProcessCpu {

  /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on Linux for every common arch. */
  private static final long TICKS_PER_SECOND = 100;

  private final long postmaster;
  private final long otherJvm;

  private ProcessCpu(long postmaster, long otherJvm) {
    this.postmaster = postmaster;
    this.otherJvm = otherJvm;
  }

  /**
   * A meter for the server whose data directory is {@code dataDirectory}, and for this JVM with the
   * JVM whose process id is {@code otherJvm} (ignored when it is this one).
   */
  static ProcessCpu of(Path dataDirectory, long otherJvm) {
    try {
      List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
      return new ProcessCpu(
          Long.parseLong(lines.get(0).trim()),
          otherJvm == ProcessHandle.current().pid() ? -1 : otherJvm);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("no running postmaster in " + dataDirectory, e);
    }
  }

  /** A reading of the JVMs' and the server's CPU time so far. */
  Reading read() {
    long jvm =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    if (otherJvm > 0) {
      long[] other = stat(Path.of("/proc", String.valueOf(otherJvm), "stat"));
      if (other == null) {
        throw new IllegalStateException("process " + otherJvm + " is gone");
      }
      jvm += (other[1] + other[2]) * 1_000_000_000L / TICKS_PER_SECOND;
    }
    return new Reading(jvm, postgresNanos());
  }

  private long postgresNanos() {
    long ticks = 0;
    long[] own = stat(Path.of("/proc", String.valueOf(postmaster), "stat"));
    if (own == null) {
      throw new IllegalStateException("postmaster " + postmaster + " is gone");
    }
    // utime + stime + cutime + cstime: the reaped backends are in the last two.
    ticks += own[1] + own[2] + own[3] + own[4];
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        long[] child = stat(process.resolve("stat"));
        if (child != null && child[0] == postmaster) {
          ticks += child[1] + child[2];
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return ticks * 1_000_000_000L / TICKS_PER_SECOND;
  }

  /** ppid, utime, stime, cutime, cstime of one process; null once it has exited. */
  private static long[] stat(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return null;
    }
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    // fields[0] is the state (field 3 of proc(5)); ppid is field 4, utime..cstime fields 14..17.
    return new long[] {
      Long.parseLong(fields[1]),
      Long.parseLong(fields[11]),
      Long.parseLong(fields[12]),
      Long.parseLong(fields[13]),
      Long.parseLong(fields[14])
    };
  }

  /** CPU time so far, in nanoseconds. */
  record Reading(long jvmNanos, long postgresNanos) {

    /** Microseconds of each per event between {@code earlier} and this reading. */
    PerEvent since(Reading earlier, long events) {
      return new PerEvent(
          (jvmNanos - earlier.jvmNanos) / 1_000.0 / events,
          (postgresNanos - earlier.postgresNanos) / 1_000.0 / events);
    }
  }

  /**
   * CPU microseconds per event in the JVMs (the Kafka broker's, and the references' when they run
   * in a JVM of their own) and in PostgreSQL.
   */
  record PerEvent(double jvmMicros, double postgresMicros) {}
}
