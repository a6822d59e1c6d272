package dev.aegis.orchestrator.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** RFC 9457 problem details with Aegis's type URIs. */
public final class Problems {
  public static final String BASE = "https://aegis.dev/problems/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Problems() {}

  public static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(BASE + type));
    p.setTitle(title);
    return p;
  }

  /**
   * Writes a problem document straight to {@code response}, for the servlet filters that answer
   * before Spring MVC (and its problem handling) is reached.
   */
  public static void write(
      HttpServletResponse response, int status, String type, String title, String detail)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", BASE + type);
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.writeValueAsString(body));
  }
}
