package dev.aegis.orchestrator.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** RFC 9457 problem details with Aegis's type URIs. */
public final class Problems {
  public static final String BASE = "https://aegis.dev/problems/";

  private Problems() {}

  public static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(BASE + type));
    p.setTitle(title);
    return p;
  }
}
