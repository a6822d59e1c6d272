package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Why a request did not reach the server, from its chain of causes")
class FailureReasonTest {

  @Test
  @DisplayName("an unknown host anywhere in the chain wins over any message")
  void unknownHost() {
    var e = new IOException("request failed", new UnresolvedAddressException());
    assertThat(ApiClient.reason(e)).isEqualTo("unknown host");
  }

  @Test
  @DisplayName("a refused connection without a message reads as such; else the first message")
  void messages() {
    assertThat(ApiClient.reason(new IOException(new ConnectException())))
        .isEqualTo("java.net.ConnectException");
    assertThat(ApiClient.reason(new IOException(null, new ConnectException())))
        .isEqualTo("connection refused");
    assertThat(ApiClient.reason(new IOException(null, new IOException("timed out"))))
        .isEqualTo("timed out");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("a chain that loops ends: the walk stops after a bounded number of causes")
  void cyclicChain() {
    var a = new IOException((String) null);
    var b = new IOException((String) null);
    a.initCause(b);
    b.initCause(a);
    assertThat(ApiClient.reason(a)).isEqualTo("IOException");
  }

  @Test
  @DisplayName("an unknown host deeper than the bound is not looked for")
  void bound() {
    Throwable e = new UnresolvedAddressException();
    for (int i = 0; i < ApiClient.MAX_CAUSES; i++) {
      e = new IOException((String) null, e);
    }
    assertThat(ApiClient.reason(e)).isEqualTo("IOException");
  }
}
