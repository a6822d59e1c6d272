package dev.aegis.operators.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One request a Kubernetes client made, in the terms RBAC authorizes it: a verb on a group's
 * resource (and subresource) in a namespace, or a verb on a non-resource URL such as {@code
 * /version}.
 *
 * <p>The parsing follows the API server's own {@code RequestInfoFactory}: {@code GET} of a named
 * object is {@code get}, of a collection {@code list}, with {@code watch=true} {@code watch};
 * {@code POST} is {@code create}, {@code PUT} {@code update}, {@code PATCH} {@code patch}, {@code
 * DELETE} of a collection {@code deletecollection}. A list or watch narrowed by {@code
 * fieldSelector=metadata.name=x} names {@code x}, as the API server does for {@code resourceNames}
 * rules.
 *
 * @param method the HTTP method
 * @param path the request path with its query, as sent
 * @param resourceRequest false for non-resource URLs ({@code /api}, {@code /apis/...} discovery,
 *     {@code /version})
 * @param verb the RBAC verb (for non-resource URLs: the lower-case HTTP method)
 * @param group the API group, empty for the core group
 * @param resource the plural resource, e.g. {@code deployments}
 * @param subresource e.g. {@code status} or {@code scale}, empty when none
 * @param namespace empty for cluster-scoped requests
 * @param name the object's name, empty for collections and creations
 */
public record ApiRequest(
    String method,
    String path,
    boolean resourceRequest,
    String verb,
    String group,
    String resource,
    String subresource,
    String namespace,
    String name) {

  /** Subresources of a namespace that the API server does not treat as namespaced resources. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** Parses a request as the API server's authorizer would see it. */
  public static ApiRequest parse(String method, URI uri) {
    String httpMethod = method.toUpperCase(Locale.ROOT);
    String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
    String query = uri.getRawQuery();
    String pathWithQuery = query == null ? rawPath : rawPath + "?" + query;
    List<String> parts =
        Arrays.stream(rawPath.split("/"))
            .filter(s -> !s.isEmpty())
            .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
            .toList();
    int apiParts =
        !parts.isEmpty() && parts.get(0).equals("api")
            ? 2
            : !parts.isEmpty() && parts.get(0).equals("apis") ? 3 : -1;
    if (apiParts < 0 || parts.size() <= apiParts) {
      return new ApiRequest(
          httpMethod,
          pathWithQuery,
          false,
          httpMethod.toLowerCase(Locale.ROOT),
          "",
          "",
          "",
          "",
          "");
    }
    String group = apiParts == 3 ? parts.get(1) : "";
    List<String> rest = parts.subList(apiParts, parts.size());
    String namespace = "";
    if (rest.get(0).equals("namespaces") && rest.size() > 1) {
      namespace = rest.get(1);
      if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
        rest = rest.subList(2, rest.size());
      }
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : "";
    String subresource = rest.size() > 2 ? rest.get(2) : "";
    if (resource.equals("namespaces") && rest.size() > 1) {
      namespace = "";
    }
    String verb = verb(httpMethod, !name.isEmpty(), queryValue(query, "watch"));
    if (name.isEmpty() && (verb.equals("list") || verb.equals("watch"))) {
      name = nameFromFieldSelector(queryValue(query, "fieldSelector"));
    }
    return new ApiRequest(
        httpMethod, pathWithQuery, true, verb, group, resource, subresource, namespace, name);
  }

  /** {@code resource/subresource}, the form RBAC rules name subresources by. */
  public String resourceWithSubresource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /**
   * A one-line description for assertion messages, e.g. {@code update apps/deployments in shop (PUT
   * /apis/...)}.
   */
  public String describe() {
    if (!resourceRequest) {
      return verb + " non-resource URL " + path;
    }
    String where = namespace.isEmpty() ? "cluster-wide" : "in " + namespace;
    String groupPart = group.isEmpty() ? "core" : group;
    return verb
        + " "
        + groupPart
        + "/"
        + resourceWithSubresource()
        + (name.isEmpty() ? "" : " '" + name + "'")
        + " "
        + where
        + " ("
        + method
        + " "
        + path
        + ")";
  }

  private static String verb(String method, boolean named, String watch) {
    boolean watching = "true".equals(watch) || "1".equals(watch);
    return switch (method) {
      case "GET", "HEAD" -> watching ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase(Locale.ROOT);
    };
  }

  private static String queryValue(String rawQuery, String key) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (k.equals(key)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static String nameFromFieldSelector(String fieldSelector) {
    if (fieldSelector == null) {
      return "";
    }
    return Arrays.stream(fieldSelector.split(","))
        .filter(term -> term.startsWith("metadata.name="))
        .map(term -> term.substring("metadata.name=".length()))
        .findFirst()
        .orElse("");
  }
}
