package dev.aegis.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: upper-case headers, columns left-aligned and separated by three spaces (as
 * kubectl prints them), no trailing blanks, null cells shown as {@code -}. Long cells are cut to
 * the column's limit with {@code ...}, so one long reason cannot push every other row off screen.
 */
final class Table {
  static final int DEFAULT_LIMIT = 60;
  private static final String GAP = "   ";

  private final List<String> headers;
  private final int[] limits;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = List.of(headers);
    this.limits = new int[headers.length];
    Arrays.fill(limits, DEFAULT_LIMIT);
  }

  /** Cuts cells of {@code column} to {@code width} characters (0: no limit). */
  Table limit(int column, int width) {
    limits[column] = width;
    return this;
  }

  Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "a row needs " + headers.size() + " cells, got " + cells.length);
    }
    List<String> row = new ArrayList<>();
    for (int i = 0; i < cells.length; i++) {
      row.add(cut(cells[i] == null ? "-" : oneLine(cells[i].toString()), limits[i]));
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** The table, each line ending in a newline; {@code indent} is put before every line. */
  String render(String indent) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, indent, headers, widths);
    rows.forEach(row -> line(out, indent, row, widths));
    return out.toString();
  }

  String render() {
    return render("");
  }

  private static void line(StringBuilder out, String indent, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder(indent);
    for (int i = 0; i < cells.size(); i++) {
      line.append(cells.get(i));
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - cells.get(i).length())).append(GAP);
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
  }

  static String cut(String s, int width) {
    if (width <= 0 || s.length() <= width) {
      return s;
    }
    return width <= 3 ? s.substring(0, width) : s.substring(0, width - 3) + "...";
  }
}
