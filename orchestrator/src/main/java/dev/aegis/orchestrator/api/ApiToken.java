package dev.aegis.orchestrator.api;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The bearer token that changes to Aegis need ({@code Authorization: Bearer <token>} on every request that
 * is not a read). {@code AEGIS_API_TOKEN} ({@code aegis.api.token}) sets it; without it, Aegis makes a
 * dev token at start and prints it in the start-up banner, so even a standalone demo does not take
 * anonymous changes. {@code aegis.api.auth=none} turns the check off (behind a gateway that authenticates).
 */
@Component
public class ApiToken {

  private final String token;
  private final boolean generated;

  ApiToken(@Value("${aegis.api.token:}") String configured, @Value("${aegis.api.auth:token}") String mode) {
    if ("none".equalsIgnoreCase(mode)) {
      this.token = null;
      this.generated = false;
    } else if (configured != null && !configured.isBlank()) {
      this.token = configured.trim();
      this.generated = false;
    } else {
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      this.token = "dev-" + HexFormat.of().formatHex(random);
      this.generated = true;
    }
  }

  /** Whether changes need the token at all. */
  public boolean required() {
    return token != null;
  }

  /** Whether the token was made at start (and is shown in the banner), rather than configured. */
  public boolean generated() {
    return generated;
  }

  /** The dev token to show, or null when it was configured (never echo a configured secret). */
  public String shown() {
    return generated ? token : null;
  }

  /** Constant-time comparison with the token presented. */
  boolean accepts(String presented) {
    return presented != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
        presented.getBytes(StandardCharsets.UTF_8));
  }
}
