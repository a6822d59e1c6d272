package dev.aegis.orchestrator.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import dev.aegis.orchestrator.application.MissingTargetsException;
import dev.aegis.orchestrator.errors.Causes;
import dev.aegis.orchestrator.persistence.AmbiguousServiceException;
import java.net.URI;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every error of the API as {@code application/problem+json}, naming the field at fault where there
 * is one.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProblemHandler {

  @ExceptionHandler(InvalidSubmissionException.class)
  ProblemDetail invalid(InvalidSubmissionException e) {
    ProblemDetail p =
        Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage());
    p.setProperty("field", e.field());
    return p;
  }

  /** Well-formed, but the cluster lacks what the experiment would act on: 422, not 400. */
  @ExceptionHandler(MissingTargetsException.class)
  ProblemDetail missingTargets(MissingTargetsException e) {
    ProblemDetail p =
        Problems.of(
            HttpStatus.UNPROCESSABLE_ENTITY,
            MissingTargetsException.CODE,
            "Workload not found",
            e.getMessage());
    p.setProperty("field", e.field());
    p.setProperty("missing", e.missing());
    return p;
  }

  @ExceptionHandler(AmbiguousServiceException.class)
  ProblemDetail ambiguous(AmbiguousServiceException e) {
    ProblemDetail p =
        Problems.of(HttpStatus.CONFLICT, "ambiguous-service", "Ambiguous service", e.getMessage());
    p.setProperty("field", "namespace");
    p.setProperty("namespaces", e.namespaces());
    return p;
  }

  @ExceptionHandler(BodySizeLimitFilter.BodyTooLargeException.class)
  ProblemDetail tooLarge(BodySizeLimitFilter.BodyTooLargeException e) {
    return Problems.of(
        HttpStatus.PAYLOAD_TOO_LARGE, "body-too-large", "Request body too large", e.getMessage());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ProblemDetail unreadable(HttpMessageNotReadableException e) {
    for (Throwable t : Causes.chain(e)) {
      if (t instanceof BodySizeLimitFilter.BodyTooLargeException tooLarge) {
        return tooLarge(tooLarge);
      }
    }
    ProblemDetail p =
        Problems.of(
            HttpStatus.BAD_REQUEST,
            "unreadable-body",
            "Unreadable request body",
            "the body is not valid JSON for this request");
    JsonMappingException m = mappingCause(e);
    if (m instanceof UnrecognizedPropertyException u) {
      String field = path(u);
      p.setType(URI.create(Problems.BASE + "unknown-field"));
      p.setProperty("field", field);
      p.setDetail(
          "field '"
              + field
              + "' is not part of this request; known fields: "
              + u.getKnownPropertyIds());
      return p;
    }
    if (m != null && !m.getPath().isEmpty()) {
      String field = path(m);
      p.setProperty("field", field);
      String why = m.getOriginalMessage();
      // A constructor's NullPointerException says nothing a client can act on (and names our
      // classes).
      p.setDetail(
          "field '"
              + field
              + "' has an invalid value: "
              + (why == null || why.contains("java.lang.")
                  ? "a null or malformed element where a value is required"
                  : why));
    }
    return p;
  }

  private static String path(JsonMappingException m) {
    return m.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  static JsonMappingException mappingCause(Throwable e) {
    for (Throwable t : Causes.chain(e)) {
      if (t instanceof JsonMappingException m && !m.getPath().isEmpty()) {
        return m;
      }
    }
    return null;
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail mismatch(MethodArgumentTypeMismatchException e) {
    // The parameter's type, or its elements' (a repeated parameter such as ?phase=A&phase=B).
    ResolvableType declared = ResolvableType.forMethodParameter(e.getParameter());
    Class<?> type =
        declared.asCollection() == ResolvableType.NONE
            ? declared.toClass()
            : declared.asCollection().getGeneric(0).toClass();
    String allowed =
        type.isEnum()
            ? "; one of "
                + Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name())
                    .collect(Collectors.joining(", ", "[", "]"))
            : "";
    ProblemDetail p =
        Problems.of(
            HttpStatus.BAD_REQUEST,
            "invalid-parameter",
            "Invalid parameter",
            "parameter '"
                + e.getName()
                + "' has an invalid value '"
                + e.getValue()
                + "'"
                + allowed);
    p.setProperty("field", e.getName());
    return p;
  }

  /** A body that is not JSON: 415 naming what to send, with {@code Accept} listing it. */
  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ProblemDetail> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
    ProblemDetail p =
        Problems.of(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send the body as application/json"
                + (e.getContentType() == null
                    ? " (the request has no Content-Type)"
                    : ", not " + e.getContentType()));
    return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
        .header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
        .body(p);
  }

  @ExceptionHandler(MissingRequestHeaderException.class)
  ProblemDetail header(MissingRequestHeaderException e) {
    ProblemDetail p =
        Problems.of(HttpStatus.BAD_REQUEST, "missing-header", "Missing header", e.getMessage());
    p.setProperty("field", e.getHeaderName());
    return p;
  }
}
