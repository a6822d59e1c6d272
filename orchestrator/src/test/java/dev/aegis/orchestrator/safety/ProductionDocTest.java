package dev.aegis.orchestrator.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.safety.Refusal.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** docs/production.md names every refusal with the fix Aegis prints for it. */
class ProductionDocTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Reason.class)
  void documented(Reason reason) throws IOException {
    String doc = Files.readString(repositoryRoot().resolve("docs/production.md"));
    String fix = new Refusal(reason, "").fix();
    assertThat(doc).contains("| `" + reason.name() + "` |").contains("| " + fix + " |");
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/production.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no docs/production.md above " + Path.of("").toAbsolutePath());
  }
}
