package dev.aegis.orchestrator.standalone.demo;

import java.util.List;

/**
 * The demo services and how each version behaves: the stable version is healthy; the candidate of
 * {@code checkout} is a clear improvement (fewer errors, lower latency, so the baseline comparison
 * finds it no worse and it is promoted), the candidate of {@code payments} fails 8% of its requests
 * (it is quarantined). {@code checkout} is routed by an Istio VirtualService, {@code payments} by
 * replica ratio (no mesh).
 */
final class DemoCatalogue {

  /**
   * @param router the submission's router value
   * @param stableVersion what the stable Deployment runs
   * @param stable behaviour of the stable version (and of the baseline track)
   * @param candidate behaviour of any other version (the canary)
   */
  record DemoService(
      String name,
      String router,
      String stableVersion,
      Behaviour stable,
      Behaviour candidate,
      String candidateVersion) {}

  /** Error ratio and p95 latency (ms) around which a version's windows are drawn. */
  record Behaviour(double errorRate, double p95Ms) {}

  static final List<DemoService> SERVICES =
      List.of(
          new DemoService(
              "checkout",
              "istio",
              "1.4.0",
              new Behaviour(0.004, 180),
              new Behaviour(0.001, 170),
              "1.5.0"),
          new DemoService(
              "payments",
              "replica-ratio",
              "3.1.0",
              new Behaviour(0.005, 220),
              new Behaviour(0.08, 240),
              "3.2.0"));

  private DemoCatalogue() {}

  static DemoService of(String service) {
    return SERVICES.stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow();
  }

  static String image(String service, String version) {
    return "registry.local/demo/" + service + ":" + version;
  }
}
