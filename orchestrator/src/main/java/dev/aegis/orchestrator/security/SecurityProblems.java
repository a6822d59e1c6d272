package dev.aegis.orchestrator.security;

import dev.aegis.orchestrator.api.problem.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A namespace or ownership refusal from a controller: 403 problem+json with its code. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityProblems {

  @ExceptionHandler(Access.Denied.class)
  ProblemDetail denied(Access.Denied e) {
    return Problems.of(HttpStatus.FORBIDDEN, e.code(), "Forbidden", e.getMessage());
  }
}
