package dev.aegis.operators.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The RBAC check itself: requests parse as the API server sees them, and the manifest's rules are
 * applied.
 */
class RbacPolicyTest {

  private final RbacPolicy policy = RbacPolicy.fromRepository();

  @ParameterizedTest(name = "{0} {1} is {2} {3}/{4} sub={5} ns={6} name={7}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET    | /apis/apps/v1/namespaces/shop/deployments/cart | get | apps | deployments | | shop | cart",
        "GET    | /apis/apps/v1/namespaces/shop/deployments | list | apps | deployments | | shop | ",
        "GET    | /apis/aegis.dev/v1alpha1/experiments?watch=true&resourceVersion=5 | watch | aegis.dev | experiments | | | ",
        "GET    | /apis/aegis.dev/v1alpha1/namespaces/shop/experiments?fieldSelector=metadata.name%3Dexp1&watch=true"
            + " | watch | aegis.dev | experiments | | shop | exp1",
        "POST   | /api/v1/namespaces/shop/services | create | | services | | shop | ",
        "PUT    | /apis/aegis.dev/v1alpha1/namespaces/shop/experiments/exp1/status | update | aegis.dev | experiments"
            + " | status | shop | exp1",
        "PATCH  | /apis/apps/v1/namespaces/shop/deployments/cart/scale | patch | apps | deployments | scale | shop"
            + " | cart",
        "DELETE | /api/v1/namespaces/shop/pods | deletecollection | | pods | | shop | ",
        "GET    | /api/v1/namespaces/shop | get | | namespaces | | | shop"
      })
  void parsesRequestsAsTheApiServerDoes(
      String method,
      String path,
      String verb,
      String group,
      String resource,
      String subresource,
      String namespace,
      String name) {
    ApiRequest request = ApiRequest.parse(method, URI.create("https://10.0.0.1:6443" + path));

    assertThat(request.resourceRequest()).isTrue();
    assertThat(
            List.of(
                request.verb(),
                request.group(),
                request.resource(),
                request.subresource(),
                request.namespace(),
                request.name()))
        .containsExactly(
            verb,
            nullToEmpty(group),
            resource,
            nullToEmpty(subresource),
            nullToEmpty(namespace),
            nullToEmpty(name));
  }

  @Test
  void discoveryIsNotAResourceRequestAndIsAllowed() {
    ApiRequest discovery =
        ApiRequest.parse("GET", URI.create("https://k/apis/networking.istio.io/v1"));

    assertThat(discovery.resourceRequest()).isFalse();
    assertThat(policy.allows(discovery)).isTrue();
  }

  @Test
  void reportsEveryDistinctRequestTheRoleDoesNotAllow() {
    List<ApiRequest> requests =
        List.of(
            ApiRequest.parse(
                "PUT", URI.create("https://k/apis/apps/v1/namespaces/shop/deployments/cart")),
            ApiRequest.parse(
                "DELETE", URI.create("https://k/apis/apps/v1/namespaces/shop/deployments/cart")),
            ApiRequest.parse(
                "DELETE", URI.create("https://k/apis/apps/v1/namespaces/shop/deployments/cart")),
            ApiRequest.parse(
                "POST",
                URI.create(
                    "https://k/apis/networking.istio.io/v1/namespaces/shop/virtualservices")),
            ApiRequest.parse(
                "PATCH",
                URI.create("https://k/apis/apps/v1/namespaces/shop/deployments/cart/scale")),
            ApiRequest.parse("GET", URI.create("https://k/api/v1/namespaces/shop/secrets/db")));

    assertThat(policy.denied(requests))
        .extracting(ApiRequest::describe)
        .containsExactly(
            "delete apps/deployments 'cart' in shop (DELETE /apis/apps/v1/namespaces/shop/deployments/cart)",
            "create networking.istio.io/virtualservices in shop"
                + " (POST /apis/networking.istio.io/v1/namespaces/shop/virtualservices)",
            "patch apps/deployments/scale 'cart' in shop (PATCH /apis/apps/v1/namespaces/shop/deployments/cart/scale)",
            "get core/secrets 'db' in shop (GET /api/v1/namespaces/shop/secrets/db)");
    assertThatThrownBy(() -> policy.assertAllows(requests))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("does not allow")
        .hasMessageContaining("delete apps/deployments");
  }

  @Test
  void listsThePermissionsNoRequestUsed() {
    List<ApiRequest> requests =
        List.of(
            ApiRequest.parse(
                "GET", URI.create("https://k/apis/apps/v1/namespaces/shop/deployments/cart")));

    assertThat(policy.unusedPermissions(requests))
        .contains("create apps/deployments", "update core/services", "watch aegis.dev/experiments")
        .doesNotContain("get apps/deployments");
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
