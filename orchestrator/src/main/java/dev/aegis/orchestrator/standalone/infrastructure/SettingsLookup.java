package dev.aegis.orchestrator.standalone.infrastructure;

import java.util.Optional;
import org.springframework.core.env.Environment;

/**
 * Reads infrastructure settings, falling back from Aegis property names to the documented env
 * names.
 */
final class SettingsLookup {

  private SettingsLookup() {}

  /**
   * The first non-blank value among {@code keys}. Blank counts as unset because application.yml
   * typically maps {@code ${DATABASE_URL:}}, which is empty when the variable is absent. The env
   * names are read through the Environment rather than {@code System.getenv} so tests can supply
   * them.
   */
  static Optional<String> firstNonBlank(Environment env, String... keys) {
    for (String key : keys) {
      String value = env.getProperty(key);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.trim());
      }
    }
    return Optional.empty();
  }

  static int integer(Environment env, String key, int defaultValue) {
    Integer value = env.getProperty(key, Integer.class);
    return value == null ? defaultValue : value;
  }
}
