package dev.aegis.orchestrator.notifications;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.events.EventJson;
import dev.aegis.events.EventType;
import dev.aegis.orchestrator.notifications.Notification.CheckResult;
import dev.aegis.orchestrator.notifications.Notification.Fact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders one delivery (a notification, or several as a digest) in a channel's format: the HTTP
 * headers and body to POST. Pure but for the timestamp it is given.
 */
public final class Messages {

  /** The source every notification and CloudEvent of Aegis carries. */
  public static final String SOURCE = "/aegis/orchestrator";

  /** The header carrying the delivery's idempotency key, the same on every attempt. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private static final ObjectMapper JSON = EventJson.newObjectMapper();
  private static final int DIGEST_ITEMS = 20;

  /** What to POST. */
  public record Outgoing(Map<String, String> headers, byte[] body) {}

  private Messages() {}

  /**
   * @param key the delivery's idempotency key
   * @param secret the channel's HMAC key, or null for an unsigned delivery
   */
  public static Outgoing render(
      ChannelType type, String key, List<Notification> items, byte[] secret, Instant now) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(IDEMPOTENCY_KEY, key);
    byte[] body;
    switch (type) {
      case SLACK -> {
        headers.put("Content-Type", "application/json");
        body = write(slack(items));
      }
      case TEAMS -> {
        headers.put("Content-Type", "application/json");
        body = write(teams(items));
      }
      case WEBHOOK -> {
        headers.put("Content-Type", "application/json");
        body = write(webhook(key, items));
      }
      case CLOUDEVENTS -> {
        body = cloudEvent(items.get(0), headers);
      }
      default -> throw new IllegalStateException("unknown channel type " + type);
    }
    if (secret != null && (type == ChannelType.WEBHOOK || type == ChannelType.CLOUDEVENTS)) {
      headers.put("X-Aegis-Timestamp", Long.toString(now.getEpochSecond()));
      headers.put(WebhookSignature.HEADER, WebhookSignature.sign(secret, now, body));
    }
    return new Outgoing(headers, body);
  }

  /** Aegis's own payload: the notifications, with the delivery's key and whether it is a digest. */
  static ObjectNode webhook(String key, List<Notification> items) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", key);
    root.put("source", SOURCE);
    root.put("digest", items.size() > 1);
    root.put("count", items.size());
    root.set("notifications", JSON.valueToTree(items));
    return root;
  }

  static ObjectNode slack(List<Notification> items) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode blocks = root.putArray("blocks");
    if (items.size() == 1) {
      Notification n = items.get(0);
      root.put("text", icon(n) + " " + n.title());
      blocks.add(plainHeader(icon(n) + " " + n.title()));
      blocks.add(markdownSection(cut(n.text(), 2900)));
      if (!n.facts().isEmpty()) {
        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode list = fields.putArray("fields");
        n.facts().stream()
            .limit(10)
            .forEach(
                f ->
                    list.addObject()
                        .put("type", "mrkdwn")
                        .put("text", "*" + f.name() + "*\n" + cut(f.value(), 1900)));
      }
      if (!n.checks().isEmpty()) {
        StringBuilder checks = new StringBuilder("*Why*\n");
        n.checks().forEach(c -> checks.append("• ").append(checkLine(c)).append('\n'));
        blocks.add(markdownSection(cut(checks.toString(), 2900)));
      }
      if (n.action() != null) {
        blocks.add(markdownSection(cut("*What to do:* " + n.action(), 2900)));
      }
      if (n.link() != null) {
        ObjectNode actions = blocks.addObject().put("type", "actions");
        ObjectNode button = actions.putArray("elements").addObject().put("type", "button");
        button.putObject("text").put("type", "plain_text").put("text", "Open in Aegis");
        button.put("url", n.link());
      }
      blocks.add(context(n.severity() + " · " + n.kind() + " · " + n.id()));
    } else {
      String title = "Aegis digest: " + items.size() + " notifications";
      root.put("text", title);
      blocks.add(plainHeader(title));
      items.stream()
          .limit(DIGEST_ITEMS)
          .forEach(
              n ->
                  blocks.add(
                      markdownSection(
                          cut(
                              icon(n)
                                  + " *"
                                  + (n.link() == null
                                      ? n.title()
                                      : "<" + n.link() + "|" + n.title() + ">")
                                  + "*\n"
                                  + cut(n.text(), 500),
                              2900))));
      if (items.size() > DIGEST_ITEMS) {
        blocks.add(
            context("and " + (items.size() - DIGEST_ITEMS) + " more: aegis notifications list"));
      }
    }
    return root;
  }

  static ObjectNode teams(List<Notification> items) {
    ObjectNode root = JSON.createObjectNode();
    root.put("type", "message");
    ObjectNode attachment = root.putArray("attachments").addObject();
    attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
    ObjectNode card = attachment.putObject("content");
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    ArrayNode body = card.putArray("body");
    ArrayNode actions = card.putArray("actions");
    if (items.size() == 1) {
      Notification n = items.get(0);
      body.add(text(n.title(), true));
      body.add(text(n.text(), false));
      if (!n.facts().isEmpty()) {
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        for (Fact f : n.facts()) {
          facts.addObject().put("title", f.name()).put("value", f.value());
        }
      }
      for (CheckResult c : n.checks()) {
        body.add(text("• " + checkLine(c), false));
      }
      if (n.action() != null) {
        body.add(text("What to do: " + n.action(), false));
      }
      if (n.link() != null) {
        actions
            .addObject()
            .put("type", "Action.OpenUrl")
            .put("title", "Open in Aegis")
            .put("url", n.link());
      }
    } else {
      body.add(text("Aegis digest: " + items.size() + " notifications", true));
      items.stream()
          .limit(DIGEST_ITEMS)
          .forEach(
              n ->
                  body.add(
                      text(
                          n.title()
                              + (n.link() == null ? "" : " ([open](" + n.link() + "))")
                              + ": "
                              + cut(n.text(), 300),
                          false)));
      if (items.size() > DIGEST_ITEMS) {
        body.add(text("and " + (items.size() - DIGEST_ITEMS) + " more", false));
      }
    }
    return root;
  }

  /** The source event in binary mode: attributes as {@code ce-*} headers, the data as the body. */
  private static byte[] cloudEvent(Notification n, Map<String, String> headers) {
    Notification.SourceEvent e = n.event();
    if (e == null) {
      // A test message: a CloudEvent of Aegis's own test type, so the sink can be checked.
      headers.put("ce-specversion", "1.0");
      headers.put("ce-id", n.id());
      headers.put("ce-source", SOURCE);
      headers.put("ce-type", "dev.aegis.notification.test");
      headers.put("ce-time", n.at().toString());
      headers.put("Content-Type", "application/json");
      return write(JSON.valueToTree(n));
    }
    headers.put("ce-specversion", "1.0");
    headers.put("ce-id", e.id());
    headers.put("ce-source", SOURCE);
    headers.put("ce-type", e.type());
    headers.put("ce-time", e.time().toString());
    EventType.fromType(e.type()).ifPresent(t -> headers.put("ce-dataschema", t.dataschemaUri()));
    if (n.experimentId() != null) {
      headers.put("ce-subject", n.experimentId());
    } else if (n.service() != null) {
      headers.put("ce-subject", n.service());
    }
    headers.put("Content-Type", "application/json");
    return write(e.data());
  }

  static String checkLine(CheckResult c) {
    StringBuilder line = new StringBuilder(c.check() == null ? "check" : c.check());
    line.append(": observed ").append(number(c.observed()));
    if (c.comparison() != null) {
      line.append(", must be ").append(c.comparison()).append(' ').append(number(c.threshold()));
    }
    if (c.test() != null) {
      line.append(" (").append(c.test());
      if (c.statistic() != null) {
        line.append(", statistic ").append(number(c.statistic()));
      }
      if (c.pValue() != null) {
        line.append(", p = ").append(String.format(Locale.ROOT, "%.3g", c.pValue()));
      }
      line.append(')');
    }
    return line.toString();
  }

  private static String number(Double d) {
    if (d == null) {
      return "—";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e12
        ? Long.toString(d.longValue())
        : String.format(Locale.ROOT, "%.4g", d);
  }

  private static String icon(Notification n) {
    return switch (n.severity()) {
      case "critical" -> ":rotating_light:";
      case "warning" -> ":warning:";
      default -> ":information_source:";
    };
  }

  private static ObjectNode plainHeader(String text) {
    ObjectNode header = JSON.createObjectNode().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", cut(text, 150));
    return header;
  }

  private static ObjectNode markdownSection(String text) {
    ObjectNode section = JSON.createObjectNode().put("type", "section");
    section.putObject("text").put("type", "mrkdwn").put("text", text == null ? " " : text);
    return section;
  }

  private static ObjectNode context(String text) {
    ObjectNode context = JSON.createObjectNode().put("type", "context");
    context.putArray("elements").addObject().put("type", "mrkdwn").put("text", cut(text, 2900));
    return context;
  }

  private static ObjectNode text(String text, boolean title) {
    ObjectNode block =
        JSON.createObjectNode().put("type", "TextBlock").put("text", text).put("wrap", true);
    if (title) {
      block.put("weight", "Bolder").put("size", "Medium");
    }
    return block;
  }

  private static String cut(String text, int max) {
    if (text == null) {
      return "";
    }
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  private static byte[] write(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
