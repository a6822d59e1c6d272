package dev.aegis.orchestrator.standalone.infrastructure;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Run in a child JVM by {@link OrphanedPostgresRecoveryIT}: starts a persistent server, writes a
 * row, says {@value #READY}, and waits to be killed.
 */
public final class OrphanOwnerMain {

  static final String READY = "AEGIS-ORPHAN-OWNER-READY";

  private OrphanOwnerMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedPostgresServer server =
        EmbeddedPostgresServer.start(Optional.of(Path.of(args[0])), 0, false);
    server.createDatabaseIfMissing("aegis");
    EmbeddedPostgresServerIT.execute(
        server.connection("aegis"),
        "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before')");
    System.out.println(READY);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
