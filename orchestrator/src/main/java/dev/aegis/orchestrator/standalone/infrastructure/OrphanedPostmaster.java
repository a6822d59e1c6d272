package dev.aegis.orchestrator.standalone.infrastructure;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees a persistent data directory whose previous owner died without stopping its server.
 *
 * <p>pg_ctl runs the postmaster as a daemon, so it outlives a JVM killed with SIGKILL and keeps the
 * directory locked: the next start would fail with "another server might be running". zonky holds a
 * file lock ({@value #LOCK_FILE}) for as long as its owner lives, so a lock we can take proves the
 * owner is gone and any postmaster still running there is an orphan.
 */
final class OrphanedPostmaster {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostmaster.class);
  private static final String LOCK_FILE = "epg-lock";
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private OrphanedPostmaster() {}

  /**
   * Stops an orphaned postmaster in {@code dataDirectory}, if one runs.
   *
   * @throws IllegalStateException if a live server (of this or another JVM) owns the directory
   */
  static void stopIfAny(Path dataDirectory) throws IOException {
    if (!Files.exists(dataDirectory.resolve("postgresql.conf"))) {
      // Not initialised yet, so nobody can own it; and initdb wants it empty, so touch nothing.
      return;
    }
    ensureNoLiveOwner(dataDirectory);
    Optional<ProcessHandle> orphan = runningPostmaster(dataDirectory);
    if (orphan.isEmpty()) {
      return;
    }
    LOG.warn(
        "Stopping orphaned PostgreSQL (pid {}) left running in {}",
        orphan.get().pid(),
        dataDirectory);
    // SIGTERM is a "smart" shutdown: the dead JVM's sessions are already gone, so it is quick.
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "orphaned PostgreSQL in " + dataDirectory + " did not stop", e);
    }
  }

  private static void ensureNoLiveOwner(Path dataDirectory) throws IOException {
    Path lockFile = dataDirectory.resolve(LOCK_FILE);
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        throw inUse(dataDirectory);
      }
    } catch (OverlappingFileLockException e) {
      throw inUse(dataDirectory);
    }
  }

  private static IllegalStateException inUse(Path dataDirectory) {
    return new IllegalStateException(
        "PostgreSQL data directory "
            + dataDirectory
            + " is in use by another running Aegis; stop it, or set aegis.database.embedded.data-dir"
            + " to another directory (or 'ephemeral')");
  }

  private static Optional<ProcessHandle> runningPostmaster(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      return Optional.empty();
    }
    // A stale pid may have been reused by an unrelated process: only touch a postgres one.
    return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
  }
}
