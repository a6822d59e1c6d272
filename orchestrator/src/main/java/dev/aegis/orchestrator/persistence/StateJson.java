package dev.aegis.orchestrator.persistence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import dev.aegis.events.Timestamps;
import dev.aegis.orchestrator.judgment.Judgment;

/**
 * The JSON form of the core's values in the database's JSON columns (policy, judgments, actuation,
 * and step progress as rows stored it before V12). Only record components are written: derived
 * accessors such as {@code Check.isSloCheck()} are not state.
 *
 * <p>Doubles are written and read with Jackson's fast implementations (Schubfach and
 * FastDoubleParser): the shortest text that reads back to the same double, as the JDK's own from
 * Java 19 on, instead of Java 17's {@code Double.toString}. A judgment holds dozens of doubles; the
 * values read back are the same bits either way. (The row's progress, about 25 doubles written with
 * every batch, has its own compact form since V12: {@link ProgressCodec}.)
 *
 * <p>Properties are read and written through generated accessors (Blackbird) rather than
 * reflection: in a profile at 10 000 experiments, serialising the experiment rows' documents was a
 * quarter of the consumer threads' time.
 */
public final class StateJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .addModule(Timestamps.jacksonModule())
          .addModule(new BlackbirdModule())
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .addMixIn(Judgment.class, JudgmentJson.class)
          .build();

  private static final ObjectWriter PLAIN = MAPPER.writer();

  /**
   * Writes every character outside ASCII as a {@code \\u} escape. A judgment's text has a few (an
   * arrow, α, ≥), which make the whole Java string UTF-16; the driver then encodes each such
   * document to UTF-8 character by character, where an ASCII string is copied as it is.
   */
  private static final ObjectWriter ASCII = MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

  private StateJson() {}

  /**
   * How every mapper of Aegis writes a {@link Judgment}: a draft is the core's working form, never
   * state, so its marker is not a property (the API's mapper takes this too).
   */
  public abstract static class JudgmentJson {
    @JsonIgnore
    abstract Judgment.Draft draft();
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code value} as JSON text, or null for null. */
  public static String write(Object value) {
    return write(PLAIN, value);
  }

  /**
   * {@code value} as JSON text in ASCII, or null for null: the experiment row's documents, written
   * with nearly every batch. The same JSON as {@link #write}; characters beyond ASCII are escaped.
   */
  public static String writeAscii(Object value) {
    return write(ASCII, value);
  }

  private static String write(ObjectWriter writer, Object value) {
    if (value == null) {
      return null;
    }
    try {
      return writer.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /** The JSON text read as {@code type}, or null for null. */
  public static <T> T read(String json, Class<T> type) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "stored " + type.getSimpleName() + " is unreadable: " + e.getMessage(), e);
    }
  }
}
