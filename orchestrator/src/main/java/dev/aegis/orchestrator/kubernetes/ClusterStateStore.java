package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects of the in-process Kubernetes API on disk, as numbered snapshot files {@code
 * cluster-<generation>.json} in one directory.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #save} writes a whole new generation: to a temporary file, fsynced, renamed into
 *       place atomically, and the directory fsynced. A crash at any moment leaves the previous
 *       generation or the new one, never a torn file in its place. The two newest generations are
 *       kept.
 *   <li>{@link #load} returns the newest readable generation. A newest file that cannot be read
 *       (torn by a disk fault, or edited by hand) is renamed to {@code .corrupt}, kept for
 *       inspection, and the one before it is loaded: at most the last change is lost, and a WARN
 *       says so. If files exist but none is readable, it throws {@link IllegalStateException}
 *       naming them rather than start an empty cluster that would silently forget every object.
 *   <li>Not thread-safe: its one caller serialises writes.
 * </ul>
 */
final class ClusterStateStore {

  /** One object and the collection path it was created under. */
  record StoredObject(String path, String json) {}

  private static final Logger LOG = LoggerFactory.getLogger(ClusterStateStore.class);
  private static final int FORMAT = 1;
  private static final Pattern SNAPSHOT = Pattern.compile("cluster-(\\d{1,18})\\.json");

  private final Path directory;
  private final ObjectMapper mapper;
  private long generation;

  ClusterStateStore(Path directory, ObjectMapper mapper) {
    this.directory = directory;
    this.mapper = mapper;
  }

  /** The objects of the newest readable snapshot; empty when there is none yet. */
  List<StoredObject> load() {
    List<Path> newerUnreadable = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (Path file : snapshotsNewestFirst()) {
      Optional<List<StoredObject>> objects = read(file, reasons);
      if (objects.isEmpty()) {
        newerUnreadable.add(file);
        continue;
      }
      generation = generationOf(file);
      if (!newerUnreadable.isEmpty()) {
        newerUnreadable.forEach(this::setAside);
        LOG.warn(
            "In-process Kubernetes state: {} unreadable, set aside as .corrupt; loaded the previous "
                + "snapshot {} instead (the last change before it may be missing)",
            reasons,
            file.getFileName());
      }
      return objects.get();
    }
    if (!newerUnreadable.isEmpty()) {
      throw new IllegalStateException(
          "no readable snapshot of the in-process Kubernetes cluster in "
              + directory
              + ": "
              + reasons
              + "; move the directory aside to start with an empty cluster");
    }
    return List.of();
  }

  /** Writes {@code objects} as the next generation; the write is on disk when this returns. */
  void save(List<StoredObject> objects) {
    long next = generation + 1;
    Path target = directory.resolve(nameOf(next));
    Path temporary = directory.resolve(nameOf(next) + ".tmp");
    try {
      write(temporary, mapper.writeValueAsBytes(document(next, objects)));
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncDirectory();
      generation = next;
      Files.deleteIfExists(directory.resolve(nameOf(next - 2)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the in-process Kubernetes state to " + target, e);
    }
  }

  private ObjectNode document(long generation, List<StoredObject> objects) throws IOException {
    ObjectNode document = mapper.createObjectNode();
    document.put("format", FORMAT);
    document.put("generation", generation);
    ArrayNode items = document.putArray("objects");
    for (StoredObject object : objects) {
      items.addObject().put("path", object.path()).set("object", mapper.readTree(object.json()));
    }
    return document;
  }

  private Optional<List<StoredObject>> read(Path file, List<String> unreadable) {
    try {
      JsonNode document = mapper.readTree(file.toFile());
      if (document == null
          || document.path("format").asInt() != FORMAT
          || !document.path("objects").isArray()) {
        unreadable.add(file.getFileName() + " (not a format " + FORMAT + " snapshot)");
        return Optional.empty();
      }
      List<StoredObject> objects = new ArrayList<>();
      for (JsonNode item : document.get("objects")) {
        if (!item.path("path").isTextual() || !item.path("object").isObject()) {
          unreadable.add(file.getFileName() + " (an entry lacks its path or object)");
          return Optional.empty();
        }
        objects.add(
            new StoredObject(
                item.get("path").asText(), mapper.writeValueAsString(item.get("object"))));
      }
      return Optional.of(objects);
    } catch (IOException e) {
      unreadable.add(file.getFileName() + " (" + e.getClass().getSimpleName() + ")");
      return Optional.empty();
    }
  }

  private List<Path> snapshotsNewestFirst() {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(f -> SNAPSHOT.matcher(f.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(ClusterStateStore::generationOf).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  private void setAside(Path file) {
    try {
      Files.move(
          file,
          file.resolveSibling(file.getFileName() + ".corrupt"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set aside unreadable " + file, e);
    }
  }

  private static long generationOf(Path file) {
    Matcher m = SNAPSHOT.matcher(file.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String nameOf(long generation) {
    return "cluster-" + generation + ".json";
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  private void fsyncDirectory() throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
