package dev.aegis.orchestrator.notifications;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of receiver Aegis can deliver to, each with its own message format. */
public enum ChannelType {
  /** A Slack incoming webhook: a Block Kit message. */
  SLACK("slack"),
  /** A Microsoft Teams incoming webhook (Workflows): an Adaptive Card message. */
  TEAMS("teams"),
  /** Any HTTP endpoint: Aegis's JSON payload, signed with HMAC-SHA256 and a timestamp. */
  WEBHOOK("webhook"),
  /** A CloudEvents HTTP sink, binary mode: the same {@code dev.aegis.*} events as on Kafka. */
  CLOUDEVENTS("cloudevents");

  private final String wire;

  ChannelType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Whether several notifications may go out as one digest (not for CloudEvents). */
  public boolean digests() {
    return this != CLOUDEVENTS;
  }

  public static Optional<ChannelType> parse(String wire) {
    return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
  }
}
