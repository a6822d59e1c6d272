package dev.aegis.events.data;

/**
 * Data of {@code dev.aegis.experiment.submitted.v1}, and the body of {@code POST
 * /api/v1/experiments}: a request to put a candidate release under canary analysis.
 *
 * @param service DNS-1123 label of the service
 * @param namespace Kubernetes namespace of the service, a DNS-1123 label
 * @param candidate the release to analyse
 * @param policy optional overrides of the seed policy; {@code null} means all defaults
 * @param router optional traffic router ({@code istio}, {@code gateway-api}, {@code smi}, {@code
 *     replica-ratio}, {@code auto}); {@code null} means detect it
 */
public record ExperimentSubmitted(
    String service, String namespace, Candidate candidate, PolicySpec policy, String router) {

  /** A submission that lets the orchestrator detect the router. */
  public ExperimentSubmitted(
      String service, String namespace, Candidate candidate, PolicySpec policy) {
    this(service, namespace, candidate, policy, null);
  }
}
