package dev.aegis.orchestrator.notifications;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook delivery: {@code X-Aegis-Signature: t=<unix seconds>,v1=<hex>}, where
 * {@code <hex>} is HMAC-SHA256 under the channel's key of {@code "<t>.<body>"}. The timestamp is
 * signed with the body, so a receiver that refuses timestamps outside a few minutes of its clock
 * (and remembers the idempotency keys it saw within them) refuses both forgeries and replays.
 */
public final class WebhookSignature {

  /** The header carrying the signature. */
  public static final String HEADER = "X-Aegis-Signature";

  /** What a receiver concludes. */
  public enum Verdict {
    VALID,
    /** No header, or not of the form {@code t=…,v1=…}. */
    MALFORMED,
    /** The timestamp is further from the receiver's clock than the tolerance: a replay. */
    STALE,
    /** The HMAC does not match: forged or altered. */
    MISMATCH
  }

  private WebhookSignature() {}

  /** The header value for {@code body} sent at {@code at}. */
  public static String sign(byte[] key, Instant at, byte[] body) {
    long t = at.getEpochSecond();
    return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(key, t, body));
  }

  /**
   * Checks a received signature header against the body, at the receiver's {@code now}.
   *
   * @param tolerance how far the signed timestamp may be from {@code now}, either way
   */
  public static Verdict verify(
      byte[] key, String header, byte[] body, Instant now, Duration tolerance) {
    if (header == null) {
      return Verdict.MALFORMED;
    }
    Long t = null;
    byte[] given = null;
    for (String part : header.split(",")) {
      String p = part.strip();
      try {
        if (p.startsWith("t=")) {
          t = Long.parseLong(p.substring(2));
        } else if (p.startsWith("v1=")) {
          given = HexFormat.of().parseHex(p.substring(3));
        }
      } catch (IllegalArgumentException e) {
        return Verdict.MALFORMED;
      }
    }
    if (t == null || given == null) {
      return Verdict.MALFORMED;
    }
    if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
      return Verdict.STALE;
    }
    return MessageDigest.isEqual(hmac(key, t, body), given) ? Verdict.VALID : Verdict.MISMATCH;
  }

  private static byte[] hmac(byte[] key, long t, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
