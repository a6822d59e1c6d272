package dev.aegis.orchestrator.notifications;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The configured channels, checked at start, and their secrets, read at each delivery from the
 * environment or a mounted file so that a rotated file takes effect at once. Secrets never leave
 * this class but toward the receiver.
 */
public final class Channels {

  /** One channel as configured. */
  public record Channel(
      String name,
      ChannelType type,
      String urlEnv,
      String urlFile,
      String secretEnv,
      String secretFile,
      Duration groupWait,
      Duration timeout) {

    /** How long a notification waits for others to share its delivery. */
    public Duration effectiveGroupWait() {
      return type.digests() ? groupWait : Duration.ZERO;
    }

    /** Whether deliveries are signed (a key source is configured). */
    public boolean signed() {
      return secretEnv != null || secretFile != null;
    }
  }

  /** A secret that could not be read; the delivery fails with this message. */
  public static final class MissingSecretException extends RuntimeException {
    MissingSecretException(String message) {
      super(message);
    }
  }

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final Map<String, Channel> channels;
  private final Function<String, String> environment;

  /**
   * @throws IllegalStateException naming every misconfigured channel
   */
  public Channels(
      Map<String, NotificationProperties.Channel> configured,
      Function<String, String> environment) {
    this.environment = environment;
    Map<String, Channel> checked = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    configured.keySet().stream()
        .sorted()
        .forEach(
            name -> {
              NotificationProperties.Channel c = configured.get(name);
              String at = "aegis.notifications.channels." + name;
              if (!NAME.matcher(name).matches()) {
                problems.add(at + ": the name must be a DNS-1123 label");
              }
              ChannelType type = ChannelType.parse(c.type()).orElse(null);
              if (type == null) {
                problems.add(at + ".type: one of slack, teams, webhook, cloudevents");
              }
              if ((c.urlEnv() == null) == (c.urlFile() == null)) {
                problems.add(at + ": set exactly one of url-env and url-file");
              }
              if (c.secretEnv() != null && c.secretFile() != null) {
                problems.add(at + ": set at most one of secret-env and secret-file");
              }
              if (type == ChannelType.WEBHOOK && c.secretEnv() == null && c.secretFile() == null) {
                problems.add(at + ": a webhook is signed; set secret-env or secret-file");
              }
              if (c.groupWait().isNegative() || c.timeout().isNegative() || c.timeout().isZero()) {
                problems.add(at + ": group-wait must be >= 0 and timeout > 0");
              }
              checked.put(
                  name,
                  new Channel(
                      name,
                      type,
                      c.urlEnv(),
                      c.urlFile(),
                      c.secretEnv(),
                      c.secretFile(),
                      c.groupWait(),
                      c.timeout()));
            });
    if (!problems.isEmpty()) {
      throw new IllegalStateException("notification channels: " + String.join("; ", problems));
    }
    this.channels = Map.copyOf(checked);
  }

  public Set<String> names() {
    return channels.keySet();
  }

  public List<Channel> all() {
    return channels.values().stream()
        .sorted(java.util.Comparator.comparing(Channel::name))
        .toList();
  }

  public java.util.Optional<Channel> find(String name) {
    return java.util.Optional.ofNullable(channels.get(name));
  }

  /** The channel's URL, read now. */
  public String url(Channel c) {
    return read(c.urlEnv(), c.urlFile(), "URL").strip();
  }

  /** The channel's HMAC key, read now; null for an unsigned channel. */
  public byte[] secret(Channel c) {
    if (!c.signed()) {
      return null;
    }
    return read(c.secretEnv(), c.secretFile(), "key").strip().getBytes(StandardCharsets.UTF_8);
  }

  /** Whether the channel's URL can be read now (shown by the API, never the URL itself). */
  public boolean reachable(Channel c) {
    try {
      return !url(c).isEmpty();
    } catch (MissingSecretException e) {
      return false;
    }
  }

  private String read(String env, String file, String what) {
    if (env != null) {
      String value = environment.apply(env);
      if (value == null || value.isBlank()) {
        throw new MissingSecretException(
            "the " + what + " environment variable " + env + " is not set");
      }
      return value;
    }
    try {
      String value = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      if (value.isBlank()) {
        throw new MissingSecretException("the " + what + " file " + file + " is empty");
      }
      return value;
    } catch (IOException e) {
      throw new MissingSecretException("the " + what + " file " + file + " cannot be read: " + e);
    }
  }
}
