package dev.aegis.orchestrator.persistence;

import org.jdbi.v3.core.argument.Argument;

/**
 * Numeric column arrays for the bulk statements ({@code unnest(:starts, …)}), bound in PostgreSQL's
 * binary array format by the driver's own encoder. Bound with {@code bindArray}, an array travels
 * as a text literal: the driver prints every element and the server parses it back (for a float,
 * with {@code strtod}). Null elements are kept.
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
}
