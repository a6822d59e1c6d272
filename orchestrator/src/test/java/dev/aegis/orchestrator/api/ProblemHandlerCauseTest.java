package dev.aegis.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProblemHandlerCauseTest {

  @Test
  @DisplayName("a mapping error with a path is found down the chain; a chain with a cycle ends")
  void mappingCause() {
    JsonMappingException mapping =
        JsonMappingException.from((com.fasterxml.jackson.core.JsonParser) null, "bad field");
    mapping.prependPath(new JsonMappingException.Reference(null, "candidate"));
    assertThat(ProblemHandler.mappingCause(new RuntimeException(mapping))).isSameAs(mapping);
    RuntimeException cyclic = new RuntimeException("a");
    cyclic.initCause(new RuntimeException("b", cyclic));
    assertThat(
            assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> ProblemHandler.mappingCause(cyclic)))
        .isNull();
  }
}
