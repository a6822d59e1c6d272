package dev.aegis.orchestrator.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The kubeconfig for the in-process Kubernetes API, so {@code kubectl} can talk to it: one cluster,
 * context and user named {@value #NAME}, no credentials (the server takes none and listens on the
 * loopback interface only). Written at every start, since the port can change.
 */
final class Kubeconfig {

  static final String NAME = "aegis-standalone";
  static final String FILE = "kubeconfig";

  private Kubeconfig() {}

  static String render(String server) {
    String url = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    return """
        # The in-process Kubernetes API of a standalone Aegis, written by Aegis at each start (the port
        # can change). kubectl get deploy -n demo, kubectl apply -f ..., kubectl get aexp -A.
        apiVersion: v1
        kind: Config
        clusters:
          - name: %1$s
            cluster:
              server: %2$s
        users:
          - name: %1$s
            user: {}
        contexts:
          - name: %1$s
            context:
              cluster: %1$s
              user: %1$s
        current-context: %1$s
        """
        .formatted(NAME, url);
  }

  /** Writes the kubeconfig for {@code server} to {@code file}, replacing it in one step. */
  static Path write(Path file, String server) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      Files.writeString(partial, render(server), StandardCharsets.UTF_8);
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the kubeconfig " + file, e);
    }
  }
}
