package dev.aegis.events;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One data file under {@code src/test/resources/fixtures/<type>/(valid|invalid)/<name>.json}.
 *
 * <p>Convention: a fixture file is exactly the event data a producer would send, nothing added, so
 * it can be piped to a console producer as is. Every invalid fixture has a sidecar {@code
 * <name>.expect.properties} declaring the result: {@code reason} (a {@link
 * RejectionReason#code()}), {@code pointer} (JSON pointer of the first violation; omitted when the
 * reason has none) and optionally {@code detail} (the exact detail, identical in both content
 * modes) or {@code detail.binary} / {@code detail.structured} when the modes word it differently.
 */
record Fixture(EventType type, boolean valid, String name, byte[] data, Properties expect) {

  private static final String ROOT = "fixtures";

  static List<Fixture> all() {
    Path root = rootPath();
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(path -> path.toString().endsWith(".json"))
          .sorted()
          .map(path -> load(root, path))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** e.g. {@code dev.aegis.health.reported.v1/invalid/negative-p95-latency}. */
  String id() {
    return type.type() + "/" + (valid ? "valid" : "invalid") + "/" + name;
  }

  String expectedCode() {
    return required("reason");
  }

  String expectedPointer() {
    return expect.getProperty("pointer");
  }

  String expectedDetail(WireRecord.Mode mode) {
    String specific = expect.getProperty("detail." + mode.name().toLowerCase());
    return specific != null ? specific : expect.getProperty("detail");
  }

  private String required(String key) {
    String value = expect.getProperty(key);
    if (value == null) {
      throw new IllegalStateException(id() + ".expect.properties lacks '" + key + "'");
    }
    return value;
  }

  private static Fixture load(Path root, Path file) {
    Path relative = root.relativize(file);
    EventType type =
        EventType.fromType(relative.getName(0).toString())
            .orElseThrow(
                () -> new IllegalStateException("fixture folder is not a type: " + relative));
    boolean valid =
        switch (relative.getName(1).toString()) {
          case "valid" -> true;
          case "invalid" -> false;
          default -> throw new IllegalStateException("expected valid/ or invalid/: " + relative);
        };
    String fileName = relative.getFileName().toString();
    String name = fileName.substring(0, fileName.length() - ".json".length());
    Properties expect = readExpectations(file.resolveSibling(name + ".expect.properties"), valid);
    try {
      return new Fixture(type, valid, name, Files.readAllBytes(file), expect);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Properties readExpectations(Path sidecar, boolean valid) {
    boolean present = Files.exists(sidecar);
    if (valid == present) {
      throw new IllegalStateException(
          (valid ? "valid fixture must not have " : "invalid fixture needs ") + sidecar);
    }
    Properties expect = new Properties();
    if (present) {
      try (Reader reader = Files.newBufferedReader(sidecar)) {
        expect.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return expect;
  }

  private static Path rootPath() {
    URL url = Fixture.class.getClassLoader().getResource(ROOT);
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return id();
  }
}
