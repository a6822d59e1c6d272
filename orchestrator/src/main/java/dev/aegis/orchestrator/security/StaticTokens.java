package dev.aegis.orchestrator.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The two tokens that are not API tokens. The bootstrap token ({@code AEGIS_API_TOKEN}, from the
 * environment or a mounted file) is an admin with every role, to make the first API tokens with.
 * Without it, and without a JWT issuer, a standalone Aegis makes a dev token at start, prints it in
 * the banner, and accepts it only from this machine (loopback). {@code aegis.api.auth=none} lets
 * loopback clients in without any token (tests and local experiments; production refuses to start
 * with it).
 */
public final class StaticTokens {

  /** What a presented token is. */
  public enum Match {
    BOOTSTRAP,
    DEV,
    DEV_NOT_LOOPBACK,
    NONE
  }

  private final String bootstrap;
  private final String dev;
  private final boolean authenticationOff;

  public StaticTokens(String configured, String mode, boolean jwtConfigured) {
    this.authenticationOff = "none".equalsIgnoreCase(mode == null ? "" : mode.trim());
    this.bootstrap = configured == null || configured.isBlank() ? null : configured.trim();
    if (bootstrap == null && !jwtConfigured && !authenticationOff) {
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      this.dev = "dev-" + HexFormat.of().formatHex(random);
    } else {
      this.dev = null;
    }
  }

  /** Whether requests from loopback need no token at all ({@code aegis.api.auth=none}). */
  public boolean authenticationOff() {
    return authenticationOff;
  }

  /**
   * The dev token to show in the banner, or null when there is none (never echo a configured
   * secret).
   */
  public String devToken() {
    return dev;
  }

  public boolean bootstrapConfigured() {
    return bootstrap != null;
  }

  /**
   * Which static token {@code presented} is, constant-time; the dev token counts only from
   * loopback.
   */
  public Match match(String presented, String remoteAddress) {
    if (presented == null) {
      return Match.NONE;
    }
    if (equal(bootstrap, presented)) {
      return Match.BOOTSTRAP;
    }
    if (equal(dev, presented)) {
      return Loopback.is(remoteAddress) ? Match.DEV : Match.DEV_NOT_LOOPBACK;
    }
    return Match.NONE;
  }

  private static boolean equal(String expected, String presented) {
    return expected != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }
}
