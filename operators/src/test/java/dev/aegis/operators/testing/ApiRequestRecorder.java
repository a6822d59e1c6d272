package dev.aegis.operators.testing;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every request a fabric8 client sends (each retry and each watch included) as an {@link
 * ApiRequest}, so a test can check them against the RBAC rules in {@code kubernetes/rbac.yaml} with
 * {@link RbacPolicy}.
 *
 * <p>It is an interceptor on the client's HTTP layer rather than a hook in a mock server, so it
 * sees exactly what the code under test asks for, whichever API server answers (fabric8's mock
 * server, or a CRUD server the application starts itself), and a request counts even when it times
 * out or fails. Attach it when the client is built:
 *
 * <pre>{@code
 * ApiRequestRecorder recorder = new ApiRequestRecorder();
 * KubernetesClient client = mockServer.createClient(recorder::attachTo);
 * // or new KubernetesClientBuilder().withConfig(config).withHttpClientBuilderConsumer(recorder::attachTo)
 * ... exercise the code ...
 * RbacPolicy.fromRepository().assertAllows(recorder.requests());
 * }</pre>
 *
 * <p>{@link KubernetesApi} does all of this for a JUnit 5 test class. The recorder is thread-safe.
 */
public final class ApiRequestRecorder implements Interceptor {

  private static final String INTERCEPTOR_NAME = "aegis-api-request-recorder";

  private final List<ApiRequest> requests = new ArrayList<>();

  /**
   * Adds this recorder to a client being built. fabric8 keeps a single HTTP client builder
   * consumer; if you need one of your own, call {@link #attachTo(HttpClient.Builder)} from it
   * instead.
   */
  public void attachTo(KubernetesClientBuilder builder) {
    builder.withHttpClientBuilderConsumer(this::attachTo);
  }

  /** Adds this recorder to an HTTP client builder (for use inside your own builder consumer). */
  public void attachTo(HttpClient.Builder httpClientBuilder) {
    httpClientBuilder.addOrReplaceInterceptor(INTERCEPTOR_NAME, this);
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    ApiRequest parsed = ApiRequest.parse(request.method(), request.uri());
    synchronized (requests) {
      requests.add(parsed);
    }
  }

  /** Every request recorded so far, in the order they were sent. */
  public List<ApiRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /**
   * Returns the requests recorded so far and forgets them, so the next call sees only newer ones.
   */
  public List<ApiRequest> drain() {
    synchronized (requests) {
      List<ApiRequest> drained = List.copyOf(requests);
      requests.clear();
      return drained;
    }
  }
}
