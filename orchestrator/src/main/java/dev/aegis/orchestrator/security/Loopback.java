package dev.aegis.orchestrator.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Whether a client address (an IP literal, as the servlet container gives it) is this machine. */
final class Loopback {
  private Loopback() {}

  static boolean is(String address) {
    if (address == null || address.isBlank() || !address.matches("[0-9a-fA-F.:\\[\\]%]+")) {
      return false; // only IP literals: never resolve a name here
    }
    try {
      return InetAddress.getByName(address.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
