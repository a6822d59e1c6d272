package dev.aegis.orchestrator.persistence;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jdbi.v3.core.argument.Argument;
import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

/**
 * Column arrays for the bulk statements ({@code unnest(:starts, …)}), bound in PostgreSQL's binary
 * array format: numbers and booleans by the driver's own encoder, text by {@link TextArray}. Bound
 * with {@code bindArray}, an array travels as a text literal: the driver prints every element
 * (escaping quotes and backslashes of a string) and the server parses it back (for a float, with
 * {@code strtod}). In the binary format a string is its length and its UTF-8 bytes. Null elements
 * are kept.
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
   * {@code values} as a {@code text[]} parameter: JSON documents travel this way one per element,
   * cast to {@code json} by the statement. Encoded here rather than by the driver, whose encoder
   * grows its buffer by doubling: for a batch's documents (megabytes) the copies were a tenth of
   * binding them in a profile at 10 000 experiments.
   */
  public static Argument text(String[] values) {
    TextArray array = new TextArray(values);
    return (position, statement, context) -> statement.setObject(position, array);
  }

  /** {@code values} as a {@code bool[]} parameter. */
  public static Argument bool(Boolean[] values) {
    return (position, statement, context) -> statement.setObject(position, values);
  }

  /**
   * A one-dimensional {@code text[]} in PostgreSQL's binary array format ({@code array_send}): the
   * number of dimensions, a has-nulls flag, the element type, the length and lower bound of the
   * dimension, then each element as its length (-1 for null) and its UTF-8 bytes. Its size is known
   * before it is written, so the driver copies it once into a buffer of that size.
   */
  static final class TextArray extends PGobject implements PGBinaryObject {

    private static final int TEXT_OID = 25;

    private final byte[][] elements;
    private final boolean nulls;
    private final int length;

    TextArray(String[] values) {
      setType("_text");
      elements = new byte[values.length][];
      boolean anyNull = false;
      int size = values.length == 0 ? 12 : 20;
      for (int i = 0; i < values.length; i++) {
        size += 4;
        if (values[i] == null) {
          anyNull = true;
        } else {
          elements[i] = values[i].getBytes(StandardCharsets.UTF_8);
          size += elements[i].length;
        }
      }
      nulls = anyNull;
      length = size;
    }

    @Override
    public int lengthInBytes() {
      return length;
    }

    @Override
    public void toBytes(byte[] bytes, int offset) {
      ByteBuffer out = ByteBuffer.wrap(bytes, offset, length);
      out.putInt(elements.length == 0 ? 0 : 1).putInt(nulls ? 1 : 0).putInt(TEXT_OID);
      if (elements.length == 0) {
        return;
      }
      out.putInt(elements.length).putInt(1);
      for (byte[] e : elements) {
        if (e == null) {
          out.putInt(-1);
        } else {
          out.putInt(e.length).put(e);
        }
      }
    }

    @Override
    public void setByteValue(byte[] value, int offset) {
      throw new UnsupportedOperationException("a bound parameter, never read");
    }

    /**
     * Never the text form: a driver that would not send this in binary must fail, not bind null.
     */
    @Override
    public String getValue() {
      throw new IllegalStateException(
          "text[] parameters are sent in binary; this connection does not send text[] in binary");
    }

    @Override
    public String toString() {
      return "text[" + elements.length + "] (" + length + " bytes, binary)";
    }
  }
}
