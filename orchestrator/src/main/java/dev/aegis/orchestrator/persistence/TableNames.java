package dev.aegis.orchestrator.persistence;

import java.util.regex.Pattern;

/** Table names that statement builders put into SQL text, checked to be plain identifiers. */
final class TableNames {

  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private TableNames() {}

  /**
   * {@code table} itself when it is a plain lower-case identifier (no quoting, no schema, at most
   * 63 characters, PostgreSQL's limit); anything else is refused, so a name can never change the
   * statement it is put into.
   *
   * @throws IllegalArgumentException for any other name
   */
  static String checked(String table) {
    if (table == null || !PLAIN.matcher(table).matches()) {
      throw new IllegalArgumentException("not a plain table name: " + table);
    }
    return table;
  }
}
