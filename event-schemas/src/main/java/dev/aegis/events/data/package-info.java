/**
 * The data (payload) of every Aegis event, one immutable record per CloudEvents type.
 *
 * <p>Each record mirrors the JSON Schema named by its type's {@code dataschema} attribute (see
 * {@link dev.aegis.events.EventType}); field names are the JSON member names. Timestamps are {@link
 * java.time.Instant}s serialised as RFC 3339 strings, durations are {@link java.time.Duration}s
 * serialised as ISO-8601 strings ({@code PT24H}). Optional members are nullable boxed types; a
 * {@code null} is omitted when serialised and an absent or {@code null} member reads back as {@code
 * null}. Records do not validate themselves: the schema and the codec's semantic checks do, so a
 * record built in Java is checked when it is encoded.
 */
package dev.aegis.events.data;
