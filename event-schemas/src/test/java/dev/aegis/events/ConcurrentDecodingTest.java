package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** One codec shared by many consumer threads gives each the same answer it gives alone. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConcurrentDecodingTest {

  private static final int THREADS = 4;
  private static final int ROUNDS = 50;

  @Test
  void a_shared_codec_decodes_the_same_way_on_every_thread() throws Exception {
    EventCodec codec = new EventCodec();
    List<WireRecord> records = new ArrayList<>();
    for (Fixture fixture : Fixture.all()) {
      for (WireRecord.Mode mode : WireRecord.Mode.values()) {
        records.add(WireRecord.of(mode, fixture.type().type(), fixture.name(), fixture.data()));
      }
    }
    List<DecodeResult> expected = records.stream().map(r -> r.decodeWith(codec)).toList();

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Boolean>> runs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        runs.add(pool.submit(() -> decodesAsExpected(codec, records, expected)));
      }
      for (Future<Boolean> run : runs) {
        assertThat(run.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean decodesAsExpected(
      EventCodec codec, List<WireRecord> records, List<DecodeResult> expected) {
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < records.size(); i++) {
        if (!records.get(i).decodeWith(codec).equals(expected.get(i))) {
          return false;
        }
      }
    }
    return true;
  }
}
