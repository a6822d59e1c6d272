package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RowCacheTest {

  @Test
  @DisplayName("a row is answered only under the token it was cached with, never under token 0")
  void answersUnderItsTokenOnly() {
    RowCache<String> cache = new RowCache<>(10);
    cache.put("a", 7, "seven");
    cache.put("b", 0, "legacy");

    assertThat(cache.get("a", 7)).isEqualTo("seven");
    assertThat(cache.get("a", 8)).isNull();
    assertThat(cache.get("b", 0)).isNull();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a write moves a cached row to its new token; a row not cached stays out")
  void rewriteFollowsTheWrite() {
    RowCache<String> cache = new RowCache<>(10);
    cache.put("a", 7, "seven");

    cache.rewrite("a", 9, old -> old + " then nine");
    cache.rewrite("z", 9, old -> "never");

    assertThat(cache.get("a", 7)).isNull();
    assertThat(cache.get("a", 9)).isEqualTo("seven then nine");
    assertThat(cache.get("z", 9)).isNull();
  }

  @Test
  @DisplayName("past its capacity the least recently used row leaves first; capacity 0 keeps none")
  void boundedLeastRecentlyUsed() {
    RowCache<String> cache = new RowCache<>(2);
    cache.put("a", 1, "a");
    cache.put("b", 1, "b");
    assertThat(cache.get("a", 1)).isEqualTo("a");
    cache.put("c", 1, "c");

    assertThat(cache.get("b", 1)).as("least recently used").isNull();
    assertThat(cache.get("a", 1)).isEqualTo("a");
    assertThat(cache.get("c", 1)).isEqualTo("c");

    RowCache<String> none = new RowCache<>(0);
    none.put("a", 1, "a");
    assertThat(none.get("a", 1)).isNull();
  }
}
