package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A replica keeps the namespaces of service names between batches, under the services epoch (V15):
 * what it keeps must never hide a service another replica added since, nor one a rolled-back
 * transaction added.
 */
class ServiceNamespacesIT extends FreshDatabaseTest {

  private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");

  /** The replica whose batches read the names. */
  private final ExperimentRepository batches = new ExperimentRepository();

  /** Another replica, which adds services. */
  private final ExperimentRepository other = new ExperimentRepository();

  @Test
  @DisplayName(
      "a name read as managed nowhere, then in one namespace, then in two, as another replica adds"
          + " them; while no service is added, the names are not looked up again")
  void servicesAddedElsewhereAreSeenAtTheNextRead() {
    assertThat(read("dock", "pier")).isEmpty();

    manage("dock", "shop");
    assertThat(read("dock", "pier")).containsExactly(entry("dock", List.of("shop")));

    manage("dock", "yard");
    assertThat(read("dock", "pier")).containsExactly(entry("dock", List.of("shop", "yard")));

    // A service added behind the epoch's back (its trigger off, as only the schema's owner can):
    // the replica keeps answering from what it read under the unchanged epoch, without a lookup.
    database
        .jdbi()
        .useHandle(
            h -> {
              h.execute("ALTER TABLE services DISABLE TRIGGER services_epoch");
              h.execute(
                  "INSERT INTO services (name, namespace, managed_since, updated_at) "
                      + "VALUES ('dock', 'quay', now(), now())");
              h.execute("ALTER TABLE services ENABLE TRIGGER services_epoch");
            });
    assertThat(read("dock", "pier")).containsExactly(entry("dock", List.of("shop", "yard")));
    manage("pier", "shop");
    assertThat(read("dock", "pier"))
        .containsOnly(
            entry("dock", List.of("quay", "shop", "yard")), entry("pier", List.of("shop")));
  }

  @Test
  @DisplayName(
      "what a transaction saw of a service it added and then rolled back is not taken for the"
          + " state of a later epoch, even when another service is added after it")
  void aRolledBackServiceIsForgotten() {
    manage("dock", "shop");
    assertThat(read("dock")).containsExactly(entry("dock", List.of("shop")));

    try (Handle h = app.open()) {
      h.begin();
      other.manage(Tx.of(h), "dock", "ghost", T0);
      assertThat(batches.namespacesOfAll(Tx.of(h), List.of("dock")))
          .containsExactly(entry("dock", List.of("ghost", "shop")));
      h.rollback();
    }
    // The next service added commits the epoch after the rolled-back one's (a counter would
    // commit the very value that transaction had read, and the ghost would come back).
    manage("dock", "yard");
    assertThat(read("dock")).containsExactly(entry("dock", List.of("shop", "yard")));
    assertThat(read("dock")).containsExactly(entry("dock", List.of("shop", "yard")));
  }

  private void manage(String service, String namespace) {
    app.useTransaction(h -> other.manage(Tx.of(h), service, namespace, T0));
  }

  private Map<String, List<String>> read(String... names) {
    return app.inTransaction(h -> batches.namespacesOfAll(Tx.of(h), List.of(names)));
  }
}
