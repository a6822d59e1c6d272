package dev.aegis.orchestrator.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookSignatureTest {

  private static final byte[] KEY = "k3y".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
  private static final Instant SENT = Instant.parse("2025-01-01T10:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(5);
  private static final String SIGNED = WebhookSignature.sign(KEY, SENT, BODY);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "the body as sent, received at once, verifies",
            KEY,
            SIGNED,
            BODY,
            SENT,
            WebhookSignature.Verdict.VALID),
        Arguments.of(
            "received at the edge of the window, verifies",
            KEY,
            SIGNED,
            BODY,
            SENT.plus(WINDOW),
            WebhookSignature.Verdict.VALID),
        Arguments.of(
            "replayed after the window, is stale",
            KEY,
            SIGNED,
            BODY,
            SENT.plus(WINDOW).plusSeconds(1),
            WebhookSignature.Verdict.STALE),
        Arguments.of(
            "stamped in the future beyond the window, is stale",
            KEY,
            SIGNED,
            BODY,
            SENT.minus(WINDOW).minusSeconds(1),
            WebhookSignature.Verdict.STALE),
        Arguments.of(
            "an altered body does not match",
            KEY,
            SIGNED,
            "{\"id\":\"y\"}".getBytes(StandardCharsets.UTF_8),
            SENT,
            WebhookSignature.Verdict.MISMATCH),
        Arguments.of(
            "another key does not match",
            "other".getBytes(StandardCharsets.UTF_8),
            SIGNED,
            BODY,
            SENT,
            WebhookSignature.Verdict.MISMATCH),
        Arguments.of(
            "a moved timestamp does not match",
            KEY,
            SIGNED.replace("t=" + SENT.getEpochSecond(), "t=" + (SENT.getEpochSecond() + 1)),
            BODY,
            SENT,
            WebhookSignature.Verdict.MISMATCH),
        Arguments.of(
            "no header is malformed", KEY, null, BODY, SENT, WebhookSignature.Verdict.MALFORMED),
        Arguments.of(
            "a header without v1 is malformed",
            KEY,
            "t=1",
            BODY,
            SENT,
            WebhookSignature.Verdict.MALFORMED),
        Arguments.of(
            "a header with bad hex is malformed",
            KEY,
            "t=1,v1=zz",
            BODY,
            SENT,
            WebhookSignature.Verdict.MALFORMED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void verifies(
      String name,
      byte[] key,
      String header,
      byte[] body,
      Instant now,
      WebhookSignature.Verdict expected) {
    assertThat(WebhookSignature.verify(key, header, body, now, WINDOW)).isEqualTo(expected);
  }
}
