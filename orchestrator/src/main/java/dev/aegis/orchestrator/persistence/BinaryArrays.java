package dev.aegis.orchestrator.persistence;

import org.jdbi.v3.core.argument.Argument;

/**
 * Column arrays for the bulk statements ({@code unnest(:starts, …)}), bound in PostgreSQL's binary
 * array format by the driver's own encoder. Bound with {@code bindArray}, an array travels as a
 * text literal: the driver prints every element (escaping quotes and backslashes of a string) and
 * the server parses it back (for a float, with {@code strtod}). In the binary format a string is
 * its length and its UTF-8 bytes. Null elements are kept.
 */
public final class BinaryArrays {

  private BinaryArrays() {}

  /** {@code values} as an {@code int8[]} parameter. */
  public static Argument int8(Long[] values) {
    return (position, statement, context) -> statement.setObject(position, values);
  }

  /** {@code values} as a {@code float8[]} parameter. */
  public static Argument float8(Double[] values) {
    return (position, statement, context) -> statement.setObject(position, values);
  }

  /** {@code values} as an {@code int4[]} parameter. */
  public static Argument int4(Integer[] values) {
    return (position, statement, context) -> statement.setObject(position, values);
  }

  /**
   * {@code values} as a {@code text[]} parameter (the driver sends {@code varchar[]}, which unnest
   * returns as text-compatible {@code varchar}): JSON documents travel this way one per element,
   * cast to {@code jsonb} by the statement.
   */
  public static Argument text(String[] values) {
    return (position, statement, context) -> statement.setObject(position, values);
  }

  /** {@code values} as a {@code bool[]} parameter. */
  public static Argument bool(Boolean[] values) {
    return (position, statement, context) -> statement.setObject(position, values);
  }
}
