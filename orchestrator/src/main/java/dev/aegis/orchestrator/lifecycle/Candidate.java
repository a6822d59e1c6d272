package dev.aegis.orchestrator.lifecycle;

import java.util.Objects;

/** The version under test and the image that carries it. */
public record Candidate(String version, String image) {
  public Candidate {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(image, "image");
  }
}
