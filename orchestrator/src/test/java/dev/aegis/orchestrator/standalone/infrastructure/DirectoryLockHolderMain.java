package dev.aegis.orchestrator.standalone.infrastructure;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link DurableKafkaLogIT}: claims a directory as an embedded server would,
 * says {@value #READY}, and holds it until killed.
 */
public final class DirectoryLockHolderMain {

  static final String READY = "AEGIS-DIRECTORY-LOCK-HELD";

  private DirectoryLockHolderMain() {}

  public static void main(String[] args) throws Exception {
    DirectoryLock.acquire(Path.of(args[0]), "test directory", "nothing");
    System.out.println(READY);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
