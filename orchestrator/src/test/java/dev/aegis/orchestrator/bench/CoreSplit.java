package dev.aegis.orchestrator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * PostgreSQL on half of the CPUs this JVM may use and the benchmark's JVMs on the other half
 * ({@code -Dbench.cores=split}), as on hosts of their own: in production the database runs on a
 * machine of its own, while on two shared cores every microsecond the pipeline's JVM spends is one
 * PostgreSQL cannot, which the references (a few microseconds of JVM per event) do not pay. Set
 * with Linux's {@code taskset}; threads and processes started later inherit the mask of the one
 * that starts them (a backend its postmaster's).
 */
final class CoreSplit {

  private CoreSplit() {}

  /**
   * Pins {@code postmaster} and its children to the first half of this JVM's CPUs, and every thread
   * of {@code jvms} to the other half.
   *
   * @return what went where, for the benchmark's header
   */
  static String apply(long postmaster, List<Long> jvms) {
    List<Integer> cpus = allowedCpus();
    if (cpus.size() < 2) {
      throw new IllegalStateException("bench.cores=split needs two CPUs; this JVM may use " + cpus);
    }
    String database = list(cpus.subList(0, cpus.size() / 2));
    String others = list(cpus.subList(cpus.size() / 2, cpus.size()));
    pin(database, postmaster);
    ProcessCpu.children(postmaster).keySet().forEach(child -> pin(database, child));
    jvms.forEach(jvm -> pin(others, jvm));
    return "PostgreSQL on CPU " + database + ", the JVMs on CPU " + others;
  }

  /** The CPUs this process may run on, from {@code Cpus_allowed_list} of /proc/self/status. */
  private static List<Integer> allowedCpus() {
    try {
      String list =
          Files.readAllLines(Path.of("/proc/self/status")).stream()
              .filter(l -> l.startsWith("Cpus_allowed_list:"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no Cpus_allowed_list"));
      List<Integer> cpus = new ArrayList<>();
      for (String range : list.split(",")) {
        String[] ends = range.split("-");
        int from = Integer.parseInt(ends[0]);
        int to = Integer.parseInt(ends[ends.length - 1]);
        for (int cpu = from; cpu <= to; cpu++) {
          cpus.add(cpu);
        }
      }
      return cpus;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/status", e);
    }
  }

  private static String list(List<Integer> cpus) {
    return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** {@code taskset -a -p -c cpus pid}: every thread of the process. */
  private static void pin(String cpus, long pid) {
    try {
      Process taskset =
          new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid))
              .redirectErrorStream(true)
              .start();
      String output = new String(taskset.getInputStream().readAllBytes());
      if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
        throw new IllegalStateException("taskset failed for " + pid + ": " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run taskset", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
