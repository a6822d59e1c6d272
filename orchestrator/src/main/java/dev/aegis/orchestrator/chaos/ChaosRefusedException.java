package dev.aegis.orchestrator.chaos;

import org.springframework.http.HttpStatus;

/**
 * A chaos request refused before or by the cluster; carries the problem's status, type code and
 * detail.
 */
public final class ChaosRefusedException extends RuntimeException {

  private final HttpStatus status;
  private final String code;

  public ChaosRefusedException(HttpStatus status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }
}
