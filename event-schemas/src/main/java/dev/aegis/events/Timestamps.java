package dev.aegis.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * RFC 3339 timestamps in UTC without {@code java.time}'s formatter machinery, which cost a health
 * event about a tenth of its decoding: every window carries three timestamps.
 *
 * <p>Only the canonical form is handled here: {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with an upper-case
 * {@code T} and {@code Z} and one to nine fraction digits, the form Aegis writes and monitors send.
 * {@link #parseUtc} answers null for anything else, and the caller then parses as it always did, so
 * every other form is accepted or refused exactly as before. {@link #format} gives what {@link
 * Instant#toString()} gives, for every instant.
 */
public final class Timestamps {

  private static final int SECONDS_PER_DAY = 86_400;
  private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  private static final int[] POWERS_OF_TEN = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };

  /** 0000-01-01T00:00:00Z and the first second after 9999-12-31: four-digit years only. */
  private static final long FIRST_SECOND = LocalDate.of(0, 1, 1).toEpochDay() * SECONDS_PER_DAY;

  private static final long END_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * SECONDS_PER_DAY;

  private Timestamps() {}

  /**
   * The instant {@code text} names when it is in the canonical UTC form and a valid date and time;
   * null otherwise (another offset, a lower-case letter, no seconds, a 24th hour, a 30 February),
   * for the caller to parse as it would have.
   */
  public static Instant parseUtc(String text) {
    int length = text.length();
    if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z') {
      return null;
    }
    if (text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > daysIn(year, month)
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (length > 20) {
      int fraction = length - 21;
      if (text.charAt(19) != '.' || fraction < 1) {
        return null;
      }
      int value = digits(text, 20, fraction);
      if (value < 0) {
        return null;
      }
      nanos = value * POWERS_OF_TEN[9 - fraction];
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(
        epochDay * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** Exactly {@code instant.toString()}: the fraction in groups of three digits, none when 0. */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_SECOND || seconds >= END_SECOND) {
      return instant.toString();
    }
    long epochDay = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    int nanos = instant.getNano();
    int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
    char[] out = new char[20 + (fraction == 0 ? 0 : fraction + 1)];
    put(out, 0, date.getYear(), 4);
    out[4] = '-';
    put(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    put(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    put(out, 11, secondOfDay / 3_600, 2);
    out[13] = ':';
    put(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    put(out, 17, secondOfDay % 60, 2);
    if (fraction > 0) {
      out[19] = '.';
      put(out, 20, nanos / POWERS_OF_TEN[9 - fraction], fraction);
    }
    out[out.length - 1] = 'Z';
    return new String(out);
  }

  /**
   * A Jackson module that reads and writes {@link Instant}s through this class, and through the
   * jsr310 module's own deserializer and serializer for every form {@link #parseUtc} leaves alone
   * and for numeric timestamps. Register it after {@code JavaTimeModule}.
   */
  public static SimpleModule jacksonModule() {
    SimpleModule module = new SimpleModule("aegis-timestamps");
    module.addSerializer(Instant.class, new Writer());
    module.addDeserializer(Instant.class, new Reader(InstantDeserializer.INSTANT));
    return module;
  }

  /** The number in {@code count} decimal digits at {@code from}; -1 if any is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static int daysIn(int year, int month) {
    if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
      return 29;
    }
    return DAYS_IN_MONTH[month - 1];
  }

  private static void put(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static final class Writer extends StdScalarSerializer<Instant> {
    Writer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      if (provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
        InstantSerializer.INSTANCE.serialize(value, generator, provider);
      } else {
        generator.writeString(format(value));
      }
    }
  }

  /** The fast path, then the jsr310 deserializer as configured for the property. */
  private static final class Reader extends StdScalarDeserializer<Instant>
      implements ContextualDeserializer {
    private final JsonDeserializer<Instant> fallback;

    Reader(JsonDeserializer<Instant> fallback) {
      super(Instant.class);
      this.fallback = fallback;
    }

    @Override
    @SuppressWarnings("unchecked")
    public JsonDeserializer<?> createContextual(
        DeserializationContext context, BeanProperty property) throws JsonMappingException {
      if (fallback instanceof ContextualDeserializer contextual) {
        return new Reader(
            (JsonDeserializer<Instant>) contextual.createContextual(context, property));
      }
      return this;
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (parser.hasToken(JsonToken.VALUE_STRING)) {
        Instant fast = parseUtc(parser.getText());
        if (fast != null) {
          return fast;
        }
      }
      return fallback.deserialize(parser, context);
    }
  }
}
