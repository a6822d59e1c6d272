package dev.aegis.orchestrator.persistence;

import java.util.List;

/**
 * A service was named without a namespace, and a service of that name is managed in several
 * namespaces. The API answers 409 ({@code ambiguous-service}); ingestion dead-letters the window
 * with that reason.
 */
public class AmbiguousServiceException extends RuntimeException {

  private final String service;
  private final List<String> namespaces;

  public AmbiguousServiceException(String service, List<String> namespaces) {
    super(message(service, namespaces));
    this.service = service;
    this.namespaces = List.copyOf(namespaces);
  }

  /** The message naming the namespaces, as the API and the dead-letter reason give it. */
  public static String message(String service, List<String> namespaces) {
    return "service '"
        + service
        + "' is managed in several namespaces "
        + namespaces
        + "; name the namespace";
  }

  public String service() {
    return service;
  }

  public List<String> namespaces() {
    return namespaces;
  }
}
