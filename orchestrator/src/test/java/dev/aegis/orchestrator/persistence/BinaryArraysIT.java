package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Column arrays bound in the binary format reach the server element for element: the characters a
 * text array literal must escape, nulls, empty strings and long JSON documents.
 */
class BinaryArraysIT extends FreshDatabaseTest {

  @Test
  @DisplayName("text elements come back as sent, nulls and array-literal syntax included")
  void textElementsRoundTrip() {
    String[] sent = {
      "plain",
      null,
      "",
      "NULL",
      "quote \" backslash \\ brace { } comma , space",
      "{\"judgment\":\"e-value 1228 ≥ 450\",\"path\":\"C:\\\\tmp\"}",
      "tab\tnewline\nend",
      "ünïcödé 𝔘 and an emoji 🚦",
      "x".repeat(200_000)
    };
    List<String> back =
        app.withHandle(
            h ->
                h.createQuery("SELECT v FROM unnest(:values) WITH ORDINALITY AS t(v, i) ORDER BY i")
                    .bind("values", BinaryArrays.text(sent))
                    .mapTo(String.class)
                    .list());
    assertThat(back).containsExactly(sent);
  }

  @Test
  @DisplayName("an empty array, an array of nulls and a one-element array arrive as text[]")
  void edgeShapesRoundTrip() {
    List<String> back =
        app.withHandle(
            h ->
                h.createQuery(
                        "SELECT concat_ws('|', pg_typeof(:empty)::text, cardinality(:empty), "
                            + "array_to_string(:nulls, ',', '*'), cardinality(:nulls), "
                            + "(:one)[1], array_lower(:one, 1))")
                    .bind("empty", BinaryArrays.text(new String[0]))
                    .bind("nulls", BinaryArrays.text(new String[] {null, null}))
                    .bind("one", BinaryArrays.text(new String[] {"solo"}))
                    .mapTo(String.class)
                    .list());
    assertThat(back).containsExactly("text[]|0|*,*|2|solo|1");
  }

  @Test
  @DisplayName("an element cast to jsonb is the document sent; a null element stays SQL NULL")
  void documentsCastToJsonb() {
    String[] docs = {"{\"a\": [1, 2.5, \"\\\"q\\\"\"]}", null, "null"};
    List<String> back = new ArrayList<>();
    app.useHandle(
        h ->
            h.createQuery(
                    "SELECT CASE WHEN v IS NULL THEN 'SQL NULL' ELSE (v::jsonb)::text END AS doc "
                        + "FROM unnest(:docs) WITH ORDINALITY AS t(v, i) ORDER BY i")
                .bind("docs", BinaryArrays.text(docs))
                .mapTo(String.class)
                .forEach(back::add));
    assertThat(back).containsExactly("{\"a\": [1, 2.5, \"\\\"q\\\"\"]}", "SQL NULL", "null");
  }

  @Test
  @DisplayName("booleans, int4, int8 and float8 with nulls come back as sent")
  void scalarsRoundTrip() {
    Boolean[] flags = {true, null, false};
    Integer[] ints = {Integer.MIN_VALUE, null, 7};
    Long[] longs = {Long.MAX_VALUE, null, -1L};
    Double[] doubles = {0.1, null, -1e300};
    List<String> back =
        app.withHandle(
            h ->
                h.createQuery(
                        "SELECT concat_ws('|', coalesce(b::text, '-'), coalesce(n::text, '-'), "
                            + "coalesce(l::text, '-'), coalesce(d::text, '-')) FROM "
                            + "unnest(:flags, :ints, :longs, :doubles) WITH ORDINALITY "
                            + "AS t(b, n, l, d, i) ORDER BY i")
                    .bind("flags", BinaryArrays.bool(flags))
                    .bind("ints", BinaryArrays.int4(ints))
                    .bind("longs", BinaryArrays.int8(longs))
                    .bind("doubles", BinaryArrays.float8(doubles))
                    .mapTo(String.class)
                    .list());
    assertThat(back)
        .containsExactly(
            "true|" + Integer.MIN_VALUE + "|" + Long.MAX_VALUE + "|0.1",
            "-|-|-|-",
            "false|7|-1|-1e+300");
  }
}
