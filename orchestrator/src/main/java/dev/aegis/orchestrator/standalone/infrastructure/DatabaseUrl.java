package dev.aegis.orchestrator.standalone.infrastructure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Where and as whom to connect to PostgreSQL: a JDBC URL plus optional credentials.
 *
 * <p>{@link #parse} accepts the three forms operators meet in practice: {@code
 * jdbc:postgresql://host:port/db?...} (passed through unchanged), and the libpq/Heroku style {@code
 * postgres://user:pass@host:port/db?...} or {@code postgresql://...}, whose user info is moved out
 * of the URL into {@link #username()} and {@link #password()} (percent-decoded). Several
 * comma-separated hosts are kept as they are, since pgjdbc understands them.
 *
 * <p>{@link #toString()} and {@link #redactedJdbcUrl()} never show a password, so instances can be
 * logged.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL
 * @param username the user, or {@code null} to let the driver decide (URL parameter or default)
 * @param password the password, or {@code null}
 */
public record DatabaseUrl(String jdbcUrl, String username, String password) {

  private static final String JDBC_PREFIX = "jdbc:postgresql:";
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");

  public DatabaseUrl {
    if (jdbcUrl == null || !jdbcUrl.startsWith(JDBC_PREFIX)) {
      throw new IllegalArgumentException("not a jdbc:postgresql: URL");
    }
  }

  /**
   * Parses any of the accepted URL forms.
   *
   * @throws IllegalArgumentException if the URL is blank or of another scheme; the message never
   *     repeats the URL, because it may hold a password
   */
  public static DatabaseUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("database URL is blank");
    }
    String trimmed = url.trim();
    if (trimmed.startsWith(JDBC_PREFIX)) {
      return new DatabaseUrl(trimmed, null, null);
    }
    return fromLibpqStyle(withoutScheme(trimmed));
  }

  /** This URL with the given credentials in place of its own; blank values change nothing. */
  public DatabaseUrl withCredentials(String user, String pass) {
    return new DatabaseUrl(
        jdbcUrl, isBlank(user) ? username : user, isBlank(pass) ? password : pass);
  }

  /** The JDBC URL with any {@code password=} parameter masked, for logs. */
  public String redactedJdbcUrl() {
    return PASSWORD_PARAMETER.matcher(jdbcUrl).replaceAll("$1***");
  }

  @Override
  public String toString() {
    return "DatabaseUrl["
        + redactedJdbcUrl()
        + ", user="
        + username
        + (password == null ? "" : ", password=***")
        + "]";
  }

  private static String withoutScheme(String url) {
    for (String scheme : new String[] {"postgres://", "postgresql://"}) {
      if (url.regionMatches(true, 0, scheme, 0, scheme.length())) {
        return url.substring(scheme.length());
      }
    }
    throw new IllegalArgumentException(
        "unsupported database URL scheme: expected jdbc:postgresql://, postgres:// or postgresql://");
  }

  private static DatabaseUrl fromLibpqStyle(String rest) {
    int authorityEnd = indexOfAny(rest, '/', '?');
    String authority = rest.substring(0, authorityEnd);
    String tail = rest.substring(authorityEnd);
    // The last '@' separates user info from hosts: passwords may contain '@' when not encoded.
    int at = authority.lastIndexOf('@');
    String hosts = authority.substring(at + 1);
    String jdbc =
        JDBC_PREFIX + "//" + (hosts.isEmpty() ? "localhost" : hosts) + normalisedPath(tail);
    if (at < 0) {
      return new DatabaseUrl(jdbc, null, null);
    }
    String userInfo = authority.substring(0, at);
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String pass = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    return new DatabaseUrl(jdbc, user.isEmpty() ? null : user, pass);
  }

  private static String normalisedPath(String tail) {
    return tail.startsWith("?") ? "/" + tail : tail;
  }

  private static int indexOfAny(String text, char first, char second) {
    int a = text.indexOf(first);
    int b = text.indexOf(second);
    if (a < 0) {
      return b < 0 ? text.length() : b;
    }
    return b < 0 ? a : Math.min(a, b);
  }

  private static String decode(String text) {
    // URLDecoder follows form encoding, where '+' means space; in URL user info it is a plain '+'.
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
