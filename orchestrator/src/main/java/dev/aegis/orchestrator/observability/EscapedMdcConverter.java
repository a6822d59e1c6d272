package dev.aegis.orchestrator.observability;

import ch.qos.logback.classic.pattern.MDCConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * MDC values ({@code %X}, {@code %mdc}) with CR, LF and control characters escaped as in {@link
 * EscapedMessageConverter}: a service name or event id put into the MDC comes from outside as often
 * as a logged argument does.
 */
public class EscapedMdcConverter extends MDCConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return EscapedMessageConverter.escape(super.convert(event));
  }
}
