package dev.aegis.orchestrator.standalone.infrastructure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive claim on a data directory for the life of one embedded server, so two live Aegis
 * instances never write the same files. It is an OS file lock on {@value #FILE}: the OS releases it
 * when its process dies, however it dies, so a directory left by a killed Aegis is free at once.
 *
 * <p>Contract: {@link #acquire} either returns the held lock or throws {@link
 * IllegalStateException} at once (it never waits), naming the directory, the owner's process id
 * when known, and {@code hint}. A second claim from the same JVM is refused the same way. {@link
 * #close()} releases it.
 */
public final class DirectoryLock implements AutoCloseable {

  static final String FILE = "aegis.lock";

  /**
   * Lock files this JVM holds. A claim already held here is refused without opening the file again:
   * on Linux, closing any descriptor of a file drops every lock the process holds on it.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Claims {@code directory} (created if missing).
   *
   * @param what what the directory holds, for the message ("Kafka log directory")
   * @param hint what the user can do instead, for the message
   * @throws IllegalStateException if a live process, this one included, holds it
   */
  public static DirectoryLock acquire(Path directory, String what, String hint) {
    Path file;
    try {
      Files.createDirectories(directory);
      file = directory.resolve(FILE).toAbsolutePath().normalize();
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + what + " " + directory, e);
    }
    if (!HELD.add(file)) {
      throw inUse(what, directory, " (this process)", hint);
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        String owner = owner(channel);
        throw inUse(what, directory, owner, hint);
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)),
          0);
      return new DirectoryLock(file, channel, lock);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      HELD.remove(file);
      if (e instanceof IllegalStateException refused) {
        throw refused;
      }
      throw new IllegalStateException("cannot lock " + what + " " + directory, e);
    }
  }

  private static IllegalStateException inUse(
      String what, Path directory, String owner, String hint) {
    return new IllegalStateException(
        what
            + " "
            + directory
            + " is in use by another running Aegis"
            + owner
            + "; stop it first, or "
            + hint);
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by this JVM through another path to the same file
    }
  }

  private static String owner(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    int read = channel.read(buffer, 0);
    String pid =
        read <= 0 ? "" : new String(buffer.array(), 0, read, StandardCharsets.US_ASCII).trim();
    return pid.matches("\\d+") ? " (process " + pid + ")" : "";
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the lock failure is the error worth reporting
      }
    }
  }

  /** Releases the directory. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases the lock in any case
    } finally {
      closeQuietly(channel);
      HELD.remove(file);
    }
  }
}
