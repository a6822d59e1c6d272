package dev.aegis.orchestrator.safety;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a refused start as Spring Boot's "APPLICATION FAILED TO START" block, without a stack
 * trace.
 */
public final class UnsafeStartFailureAnalyzer
    extends AbstractFailureAnalyzer<UnsafeStartException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, UnsafeStartException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
