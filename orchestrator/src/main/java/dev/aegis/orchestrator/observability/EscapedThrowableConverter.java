package dev.aegis.orchestrator.observability;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/**
 * Spring Boot's stack trace ({@code %wEx}), one frame a line as before, with the message of the
 * exception and of each cause escaped as in {@link EscapedMessageConverter}. An exception message
 * often quotes its input ("field 'x' has an invalid value: ..."), and its line breaks would
 * otherwise start lines of their own.
 */
public class EscapedThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

  @Override
  protected String throwableProxyToString(IThrowableProxy tp) {
    return super.throwableProxyToString(Escaped.of(tp));
  }

  /**
   * A throwable as logback sees it, its messages escaped; frames, causes and suppressed ones as
   * they were.
   */
  private record Escaped(IThrowableProxy delegate) implements IThrowableProxy {

    static IThrowableProxy of(IThrowableProxy tp) {
      return tp == null ? null : new Escaped(tp);
    }

    @Override
    public String getMessage() {
      return EscapedMessageConverter.escape(delegate.getMessage());
    }

    @Override
    public String getOverridingMessage() {
      return EscapedMessageConverter.escape(delegate.getOverridingMessage());
    }

    @Override
    public String getClassName() {
      return delegate.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return delegate.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return delegate.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return of(delegate.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = delegate.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] out = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        out[i] = of(suppressed[i]);
      }
      return out;
    }

    @Override
    public boolean isCyclic() {
      return delegate.isCyclic();
    }
  }
}
