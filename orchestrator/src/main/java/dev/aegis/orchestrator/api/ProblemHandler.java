package dev.aegis.orchestrator.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.aegis.orchestrator.experiments.InvalidSubmissionException;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Every error of the API as {@code application/problem+json}, naming the field at fault where there is one. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProblemHandler {

  @ExceptionHandler(InvalidSubmissionException.class)
  ProblemDetail invalid(InvalidSubmissionException e) {
    ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage());
    p.setProperty("field", e.field());
    return p;
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ProblemDetail unreadable(HttpMessageNotReadableException e) {
    ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "unreadable-body", "Unreadable request body",
        "the body is not valid JSON for this request");
    JsonMappingException m = mappingCause(e);
    if (m != null && !m.getPath().isEmpty()) {
      String field = m.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining(".")).replace(".[", "[");
      p.setProperty("field", field);
      p.setDetail("field '" + field + "' has an invalid value: " + m.getOriginalMessage());
    }
    return p;
  }

  private static JsonMappingException mappingCause(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof JsonMappingException m && !m.getPath().isEmpty()) {
        return m;
      }
    }
    return null;
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail mismatch(MethodArgumentTypeMismatchException e) {
    ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
        "parameter '" + e.getName() + "' has an invalid value '" + e.getValue() + "'");
    p.setProperty("field", e.getName());
    return p;
  }

  @ExceptionHandler(MissingRequestHeaderException.class)
  ProblemDetail header(MissingRequestHeaderException e) {
    ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "missing-header", "Missing header", e.getMessage());
    p.setProperty("field", e.getHeaderName());
    return p;
  }
}
