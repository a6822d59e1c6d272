package dev.aegis.operators.testing;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The rules of one ClusterRole from {@code kubernetes/rbac.yaml}, evaluated the way the API
 * server's RBAC authorizer evaluates them, so tests can prove that the manifest grants every
 * request the operators make (and see which grants no test ever needed).
 *
 * <p>Matching follows Kubernetes: a rule allows a request when its verbs, API groups and resources
 * (with {@code *}, {@code resource/subresource} and {@code *}{@code /subresource} forms) match and
 * its {@code resourceNames}, if any, contain the request's name. Discovery URLs ({@code /api},
 * {@code /apis}, {@code /version}, …) are allowed to every authenticated user by the built-in
 * {@code system:discovery} role, so they need no rule here.
 *
 * <pre>{@code
 * RbacPolicy.fromRepository().assertAllows(recorder.requests());
 * }</pre>
 */
public final class RbacPolicy {

  /** The ClusterRole the operators run under. */
  public static final String OPERATOR_ROLE = "aegis-operator";

  private static final Path MANIFEST = Path.of("kubernetes", "rbac.yaml");
  private static final List<String> DISCOVERY_PREFIXES =
      List.of("/api", "/apis", "/version", "/openapi", "/healthz", "/livez", "/readyz");

  private final String roleName;
  private final List<PolicyRule> rules;

  private RbacPolicy(String roleName, List<PolicyRule> rules) {
    this.roleName = roleName;
    this.rules = List.copyOf(rules);
  }

  /**
   * The {@value #OPERATOR_ROLE} ClusterRole from {@code kubernetes/rbac.yaml}, found by walking up
   * from the working directory (so it works from any module's tests).
   */
  public static RbacPolicy fromRepository() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve(MANIFEST))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no " + MANIFEST + " above " + Path.of("").toAbsolutePath());
    }
    return load(dir.resolve(MANIFEST), OPERATOR_ROLE);
  }

  /** The ClusterRole named {@code clusterRoleName} from a (multi-document) YAML manifest. */
  public static RbacPolicy load(Path manifest, String clusterRoleName) {
    Object parsed;
    try (InputStream in = Files.newInputStream(manifest)) {
      parsed = new KubernetesSerialization().unmarshal(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<?> documents = parsed instanceof List<?> list ? list : List.of(parsed);
    ClusterRole role =
        documents.stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .filter(r -> clusterRoleName.equals(r.getMetadata().getName()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no ClusterRole " + clusterRoleName + " in " + manifest));
    return new RbacPolicy(clusterRoleName, role.getRules());
  }

  public boolean allows(ApiRequest request) {
    if (!request.resourceRequest()) {
      return rules.stream().anyMatch(rule -> allowsNonResource(rule, request))
          || DISCOVERY_PREFIXES.stream()
              .anyMatch(p -> pathOnly(request).equals(p) || pathOnly(request).startsWith(p + "/"));
    }
    return rules.stream().anyMatch(rule -> allowsResource(rule, request));
  }

  /** The requests no rule allows, each kind of request once. */
  public List<ApiRequest> denied(Collection<ApiRequest> requests) {
    Set<String> seen = new LinkedHashSet<>();
    List<ApiRequest> denied = new ArrayList<>();
    for (ApiRequest request : requests) {
      if (!allows(request)
          && seen.add(
              request.verb()
                  + " "
                  + request.group()
                  + "/"
                  + request.resourceWithSubresource()
                  + " "
                  + request.name())) {
        denied.add(request);
      }
    }
    return denied;
  }

  /** Fails with one line per distinct denied request, naming verb, group, resource and path. */
  public void assertAllows(Collection<ApiRequest> requests) {
    List<ApiRequest> denied = denied(requests);
    if (!denied.isEmpty()) {
      StringBuilder message =
          new StringBuilder("ClusterRole ")
              .append(roleName)
              .append(" in kubernetes/rbac.yaml does not allow:");
      denied.forEach(r -> message.append("\n  ").append(r.describe()));
      throw new AssertionError(message.toString());
    }
  }

  /**
   * Every permission the role grants ({@code verb group/resource}, wildcards as written) that none
   * of the requests used: candidates for removal, or a sign that a code path is untested.
   */
  public List<String> unusedPermissions(Collection<ApiRequest> requests) {
    List<String> unused = new ArrayList<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            PolicyRule single =
                new PolicyRuleBuilder(rule)
                    .withApiGroups(group)
                    .withResources(resource)
                    .withVerbs(verb)
                    .build();
            if (requests.stream()
                .noneMatch(r -> r.resourceRequest() && allowsResource(single, r))) {
              unused.add(verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource);
            }
          }
        }
      }
    }
    return unused;
  }

  private static boolean allowsResource(PolicyRule rule, ApiRequest request) {
    return matches(rule.getVerbs(), request.verb())
        && matches(rule.getApiGroups(), request.group())
        && resourceMatches(rule.getResources(), request)
        && (rule.getResourceNames().isEmpty()
            || (!request.name().isEmpty() && rule.getResourceNames().contains(request.name())));
  }

  private static boolean allowsNonResource(PolicyRule rule, ApiRequest request) {
    String path = pathOnly(request);
    return matches(rule.getVerbs(), request.verb())
        && rule.getNonResourceURLs().stream()
            .anyMatch(
                url ->
                    url.equals("*")
                        || url.equals(path)
                        || (url.endsWith("*")
                            && path.startsWith(url.substring(0, url.length() - 1))));
  }

  private static boolean resourceMatches(List<String> ruleResources, ApiRequest request) {
    String combined = request.resourceWithSubresource();
    return ruleResources.stream()
        .anyMatch(
            r ->
                r.equals("*")
                    || r.equals(combined)
                    || (!request.subresource().isEmpty()
                        && r.equals("*/" + request.subresource())));
  }

  private static boolean matches(List<String> allowed, String value) {
    return allowed.contains("*") || allowed.contains(value);
  }

  private static String pathOnly(ApiRequest request) {
    int query = request.path().indexOf('?');
    return query < 0 ? request.path() : request.path().substring(0, query);
  }

  /** The distinct permissions the requests exercised, for reports. */
  static Stream<String> exercised(Collection<ApiRequest> requests) {
    return requests.stream()
        .filter(ApiRequest::resourceRequest)
        .map(
            r ->
                r.verb()
                    + " "
                    + (r.group().isEmpty() ? "core" : r.group())
                    + "/"
                    + r.resourceWithSubresource())
        .distinct()
        .sorted();
  }
}
