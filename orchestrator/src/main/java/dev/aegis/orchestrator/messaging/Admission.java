package dev.aegis.orchestrator.messaging;

import dev.aegis.events.EventType;
import dev.aegis.events.data.ExperimentSubmitted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before anything is written, whether a decoded input event may take effect, judged on who
 * sent it ({@link KafkaTrustProperties}): its CloudEvents source must be on the type's allow-list,
 * a source bound to a Kafka principal must carry that principal in its header, and a submission
 * must name a namespace its principal may use. Pure: no I/O, the same answer for the same record.
 */
public final class Admission {

  private static final Logger log = LoggerFactory.getLogger(Admission.class);

  /** What became of one record. */
  public sealed interface Verdict permits Admitted, Refused {}

  /**
   * The record may take effect.
   *
   * @param principal the Kafka principal its source is bound to and that it carried, or null
   */
  public record Admitted(String principal) implements Verdict {}

  /** The record is dead-lettered with {@code reason} and takes no effect. */
  public record Refused(Reason reason, String detail) implements Verdict {}

  /** Why a record was refused: the dead letter's reason code. */
  public enum Reason {
    /** The source is not allowed for the type, or lacks the Kafka principal it is bound to. */
    UNTRUSTED_SOURCE("untrusted-source"),
    /** A submission for a namespace its principal may not submit to. */
    FORBIDDEN_NAMESPACE("forbidden-namespace");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /**
   * Admits everything: what a record gets when it was not judged (undecodable, or not an input
   * type).
   */
  public static final Admitted NOT_JUDGED = new Admitted(null);

  private final Map<EventType, List<SourcePattern>> sources;
  private final Map<SourcePattern, String> principals;
  private final Map<SourcePattern, List<String>> submitters;
  private final String principalHeader;

  public Admission(KafkaTrustProperties properties) {
    this.sources = new LinkedHashMap<>();
    properties
        .sourcesByType()
        .forEach(
            (type, patterns) ->
                sources.put(type, patterns.stream().map(SourcePattern::new).toList()));
    this.principals = new LinkedHashMap<>();
    properties
        .principals()
        .forEach(
            (pattern, principal) -> principals.put(new SourcePattern(pattern), principal.strip()));
    this.submitters = new LinkedHashMap<>();
    properties
        .submitters()
        .forEach(
            (pattern, namespaces) ->
                submitters.put(
                    new SourcePattern(pattern), namespaces.stream().map(String::strip).toList()));
    this.principalHeader = properties.principalHeader();
  }

  /** Logs, once, what is left open by the configuration. */
  public Admission warnIfOpen() {
    List<String> open = new ArrayList<>();
    if (sources.isEmpty()) {
      open.add(
          "aegis.kafka.trust.sources is not set, so events from every CloudEvents source are accepted on "
              + "aegis.health, aegis.experiments and aegis.chaos");
    }
    if (submitters.isEmpty()) {
      open.add(
          "aegis.kafka.trust.submitters is not set, so a submission over Kafka may name any namespace");
    }
    if (!open.isEmpty()) {
      log.warn(
          "Kafka input is not restricted: {}. Anyone who can produce to those topics can deploy images and "
              + "forge health; see docs/kafka-security.md",
          String.join("; ", open));
    }
    return this;
  }

  /**
   * Judges one decoded event.
   *
   * @param headers the record's headers (last value per name)
   * @param data the decoded data, read for the namespace of a submission
   */
  public Verdict judge(EventType type, String source, Map<String, byte[]> headers, Object data) {
    if (!type.isInbound()) {
      return NOT_JUDGED;
    }
    if (!sources.isEmpty()
        && sources.getOrDefault(type, List.of()).stream().noneMatch(p -> p.matches(source))) {
      return new Refused(
          Reason.UNTRUSTED_SOURCE,
          "source "
              + source
              + " is not allowed to publish "
              + type.type()
              + (sources.containsKey(type)
                  ? " (allowed: " + sources.get(type) + ")"
                  : " (no source is allowed for it)"));
    }
    Optional<SourcePattern> binding = SourcePattern.mostSpecific(principals.keySet(), source);
    String principal = null;
    if (binding.isPresent()) {
      String expected = principals.get(binding.get());
      String carried = header(headers);
      if (!expected.equals(carried)) {
        return new Refused(
            Reason.UNTRUSTED_SOURCE,
            "source "
                + source
                + " of "
                + type.type()
                + " is bound to Kafka principal "
                + expected
                + ", but the record carries "
                + (carried == null
                    ? "no " + principalHeader + " header"
                    : principalHeader + "=" + carried));
      }
      principal = expected;
    }
    if (type == EventType.EXPERIMENT_SUBMITTED && data instanceof ExperimentSubmitted submission) {
      Optional<String> refusal = namespaceRefusal(source, principal, submission.namespace());
      if (refusal.isPresent()) {
        return new Refused(Reason.FORBIDDEN_NAMESPACE, refusal.get());
      }
    }
    return principal == null ? NOT_JUDGED : new Admitted(principal);
  }

  private Optional<String> namespaceRefusal(String source, String principal, String namespace) {
    if (submitters.isEmpty()) {
      return Optional.empty();
    }
    List<String> allowed = new ArrayList<>();
    submitters.forEach(
        (pattern, namespaces) -> {
          if (pattern.matches(source) || pattern.matches(principal)) {
            allowed.addAll(namespaces);
          }
        });
    if (allowed.contains("*") || allowed.contains(namespace)) {
      return Optional.empty();
    }
    String who =
        principal == null
            ? "source " + source
            : "source " + source + " (Kafka principal " + principal + ")";
    return Optional.of(
        who
            + " may not submit experiments to namespace "
            + namespace
            + (allowed.isEmpty() ? " (it may submit to none)" : " (allowed: " + allowed + ")"));
  }

  private String header(Map<String, byte[]> headers) {
    byte[] value = headers.get(principalHeader);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
