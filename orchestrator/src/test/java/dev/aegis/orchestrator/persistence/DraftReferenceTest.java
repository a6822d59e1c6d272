package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.orchestrator.judgment.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The stored form of a draft judgment by reference; that it rebuilds the judgment is
 * StepSamplesIT's and StepJudgeDraftTest's.
 */
class DraftReferenceTest {

  @Test
  void writesAndReadsBack() {
    var ref =
        new DraftReference.Ref(
            Verdict.HOLD, 2, Instant.parse("2026-12-06T13:57:57.895204430Z"), 1, 0);
    String stored = DraftReference.write(ref);
    assertThat(stored).isEqualTo("[1,\"HOLD\",2,\"2026-12-06T13:57:57.895204430Z\",1]");
    assertThat(DraftReference.isReference(stored)).isTrue();
    assertThat(DraftReference.read(stored)).isEqualTo(ref);
    var noTime = new DraftReference.Ref(Verdict.IN_PROGRESS, 1, null, 0, 0);
    assertThat(DraftReference.read(DraftReference.write(noTime))).isEqualTo(noTime);
    var prefix = new DraftReference.Ref(Verdict.IN_PROGRESS, 3, null, 2, 4);
    assertThat(DraftReference.write(prefix)).isEqualTo("[1,\"IN_PROGRESS\",3,null,2,4]");
    assertThat(DraftReference.read(DraftReference.write(prefix))).isEqualTo(prefix);
  }

  @Test
  void aJudgmentWithItsTextIsNotAReference() {
    assertThat(DraftReference.isReference("{\"verdict\":\"PASS\"}")).isFalse();
    assertThat(DraftReference.isReference(null)).isFalse();
    assertThat(DraftReference.isReference("null")).isFalse();
  }

  @Test
  void refusesWhatItDoesNotWrite() {
    for (String bad :
        new String[] {
          "[2,\"HOLD\",1,null,0]",
          "[\"1\",\"HOLD\",1,null,0]",
          "[1,\"HOLD\",0,null,0]",
          "[1,\"HOLD\",1,null,-1]",
          "[1,\"PASS\",1,null,0]",
          "[1,\"MAYBE\",1,null,0]",
          "[1,\"HOLD\",\"one\",null,0]",
          "[1,\"HOLD\",1.5,null,0]",
          "[1,\"HOLD\",1,\"yesterday\",0]",
          "[1,\"HOLD\",1,null]",
          "[1,\"HOLD\",1,null,0",
          "[1,\"HOLD\",1,null,0,0]",
          "[1,\"HOLD\",1,null,0,-2]",
          "[1,\"HOLD\",1,null,0,\"1\"]",
          "[1,\"HOLD\",1,null,0,1,1]",
        }) {
      assertThatThrownBy(() -> DraftReference.read(bad))
          .as(bad)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("stored draft judgment is unreadable")
          .hasMessageContaining(bad);
    }
  }
}
