package dev.aegis.orchestrator.reliability;

import dev.aegis.orchestrator.AegisApplication;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A class-data-sharing archive (AppCDS) of the orchestrator's classes, for tests that start its JVM
 * again and again: a child started with it maps the classes it needs from the archive instead of
 * reading, parsing and verifying them, and starts in about two thirds of the time (docs/deploy.md,
 * "A faster start").
 *
 * <p>{@link #train} writes the archive with one training start ({@code -XX:ArchiveClassesAtExit},
 * {@code -Dspring.context.exit=onRefresh}: the context is built, Flyway included, and the JVM exits
 * before any consumer, relay or timer starts). The JVM archives classes from jars only and refuses
 * a classpath with a directory it loaded classes from, so the classpath's directories (the modules'
 * {@code target/classes}) are copied into jars first, under {@code target/cds/<pid>}: the children
 * run the very classes the test JVM sees. A failed training leaves the children to start as before,
 * from the classpath and without an archive. Sharing changes how classes are loaded, never what
 * they do.
 */
final class ClassDataArchive {

  private static final long TRAINING_MINUTES = 4;

  private ClassDataArchive() {}

  /** How to start a child: its classpath and the JVM flags that map the archive. */
  record Launch(String classpath, List<String> jvmFlags) {}

  /**
   * Trains an archive on a start with {@code properties} (the children's own, so the same
   * configuration classes load) and returns how to start children with it; the plain launch if the
   * training fails.
   */
  static Launch train(List<String> properties) {
    Path directory = Path.of("target", "cds", Long.toString(ProcessHandle.current().pid()));
    Path archive = directory.resolve("orchestrator.jsa");
    Path log = directory.resolve("training.log");
    Launch plain = new Launch(OrchestratorProcess.applicationClasspath(), List.of());
    long started = System.nanoTime();
    try {
      removeLeftovers(directory.getParent());
      Files.createDirectories(directory);
      String classpath = jarred(plain.classpath(), directory);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(OrchestratorProcess.JVM_FLAGS);
      command.add("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath());
      command.add("-Dspring.context.exit=onRefresh");
      command.add("-cp");
      command.add(classpath);
      command.add(AegisApplication.class.getName());
      properties.forEach(p -> command.add("--" + p));
      command.add("--server.port=0");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(TRAINING_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
      }
      // Spring ends the training JVM once the context is refreshed; the JVM writes the archive as
      // it exits.
      if (!Files.exists(archive) || Files.size(archive) == 0) {
        System.out.printf(
            "class data archive: training wrote none (see %s); children start without one%n", log);
        return plain;
      }
      System.out.printf(
          "class data archive: trained in %d ms, %d MB (%s)%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          Files.size(archive) >> 20,
          archive);
      return new Launch(classpath, List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return plain;
    }
  }

  /** Deletes the archives of test JVMs that have ended (about 80 MB each). */
  private static void removeLeftovers(Path parent) throws IOException {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(parent)) {
      for (Path dir : dirs.toList()) {
        String name = dir.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)
            && ProcessHandle.of(Long.parseLong(name)).isEmpty()) {
          try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(f);
            }
          }
        }
      }
    }
  }

  /**
   * {@code classpath} with each directory replaced by a jar of its files, written to {@code to}.
   */
  private static String jarred(String classpath, Path to) throws IOException {
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : classpath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!Files.isDirectory(path)) {
        entries.add(entry);
        continue;
      }
      Path jar = to.resolve("classes-" + n++ + ".jar");
      try (OutputStream out = Files.newOutputStream(jar);
          JarOutputStream zip = new JarOutputStream(out);
          Stream<Path> files = Files.walk(path)) {
        // Directory entries too: Spring's component scan finds a package in a jar by its entry.
        for (Path file : files.filter(f -> !f.equals(path)).sorted().toList()) {
          String name = path.relativize(file).toString().replace('\\', '/');
          boolean directory = Files.isDirectory(file);
          zip.putNextEntry(new JarEntry(directory ? name + "/" : name));
          if (!directory) {
            Files.copy(file, zip);
          }
          zip.closeEntry();
        }
      }
      entries.add(jar.toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, entries);
  }
}
