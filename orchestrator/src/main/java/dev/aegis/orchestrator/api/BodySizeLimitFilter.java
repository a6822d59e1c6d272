package dev.aegis.orchestrator.api;

import dev.aegis.orchestrator.api.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over 1 MiB with 413 and a problem document. A declared Content-Length over
 * the limit is refused before anything is read; otherwise the bytes are counted as they are read,
 * so a chunked body (or one that lies about its length) is stopped at the limit too: the reader
 * gets {@link BodyTooLargeException}, which the API answers with the same 413 (see {@link
 * ProblemHandler}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class BodySizeLimitFilter extends OncePerRequestFilter {
  static final long MAX_BYTES = 1_048_576;

  /** Thrown by the request's stream once more than {@link #MAX_BYTES} were read. */
  static final class BodyTooLargeException extends RuntimeException {
    BodyTooLargeException() {
      super(
          "the body has more than " + MAX_BYTES + " bytes; at most " + MAX_BYTES + " are accepted");
    }
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > MAX_BYTES) {
      Problems.write(
          response,
          413,
          "body-too-large",
          "Request body too large",
          "the body has "
              + request.getContentLengthLong()
              + " bytes; at most "
              + MAX_BYTES
              + " are accepted");
      return;
    }
    chain.doFilter(new Counted(request), response);
  }

  /** The request with a body stream that counts what is read and stops past the limit. */
  private static final class Counted extends HttpServletRequestWrapper {
    private ServletInputStream stream;

    Counted(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CountingStream(super.getInputStream());
      }
      return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }
  }

  private static final class CountingStream extends ServletInputStream {
    private final ServletInputStream in;
    private long read;

    CountingStream(ServletInputStream in) {
      this.in = in;
    }

    private int count(int n) {
      if (n > 0) {
        read += n;
        if (read > MAX_BYTES) {
          throw new BodyTooLargeException();
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return count(in.read(b, off, len));
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
