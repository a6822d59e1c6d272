package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The patch types kubectl sends, applied to an object as JSON: a JSON merge patch (RFC 7386), a
 * strategic merge patch ({@code kubectl apply}'s, {@code label}'s, {@code scale}'s) and an apply
 * configuration ({@code kubectl apply --server-side}).
 *
 * <p>A real API server merges lists by the merge key its schemas name. This one has no schemas, so
 * it reads the key from what kubectl sends with every merged list: the {@code $setElementOrder/}
 * directive ({@code [{"name": "app"}]} says: merge by {@code name}). Lists without one are
 * replaced, as a merge patch replaces them. An apply configuration merges objects and replaces
 * lists; fields it no longer names are kept (there are no managed fields to say who owns them).
 */
final class ObjectPatches {

  private static final String ORDER = "$setElementOrder/";
  private static final String DELETE_FROM = "$deleteFromPrimitiveList/";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String PATCH = "$patch";

  private ObjectPatches() {}

  /** {@code target} with {@code patch} merged in; {@code target} itself is left as it was. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    return merge(target.deepCopy(), patch);
  }

  private static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    if ("replace".equals(patch.path(PATCH).asText())) {
      return withoutDirectives(patch);
    }
    ObjectNode result =
        target.isObject() ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.startsWith("$")) {
        continue;
      }
      if (value.isNull()) {
        result.remove(name);
      } else if (value.isObject() && "delete".equals(value.path(PATCH).asText())) {
        result.remove(name);
      } else if (value.isObject()) {
        result.set(name, merge(result.path(name), value));
      } else if (value.isArray()) {
        result.set(name, mergeList(result.path(name), (ArrayNode) value, patch.path(ORDER + name)));
      } else {
        result.set(name, value.deepCopy());
      }
    }
    for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (name.startsWith(DELETE_FROM)
          && result.path(name.substring(DELETE_FROM.length())).isArray()) {
        removeValues((ArrayNode) result.get(name.substring(DELETE_FROM.length())), patch.get(name));
      } else if (name.startsWith(ORDER)
          && !patch.has(name.substring(ORDER.length()))
          && result.path(name.substring(ORDER.length())).isArray()) {
        // Only the order (or deletions) changed: reorder what is there.
        String list = name.substring(ORDER.length());
        result.set(
            list,
            mergeList(result.get(list), JsonNodeFactory.instance.arrayNode(), patch.get(name)));
      }
    }
    if (patch.path(RETAIN_KEYS).isArray()) {
      Set<String> retain = new HashSet<>();
      patch.get(RETAIN_KEYS).forEach(k -> retain.add(k.asText()));
      result.retain(retain);
    }
    return result;
  }

  /**
   * A list of a strategic merge patch: merged by the key of its {@code $setElementOrder/} entries
   * (objects) or as a set (primitives) when the patch has that directive; replaced otherwise.
   */
  private static JsonNode mergeList(JsonNode current, ArrayNode patch, JsonNode order) {
    Optional<String> key = mergeKey(order, patch);
    if (order.isMissingNode() && key.isEmpty()) {
      return withoutDirectives(patch);
    }
    List<JsonNode> merged = new ArrayList<>();
    if (current.isArray()) {
      current.forEach(merged::add);
    }
    for (JsonNode element : patch) {
      if (key.isPresent() && element.isObject()) {
        int at = indexOf(merged, key.get(), element.path(key.get()));
        if ("delete".equals(element.path(PATCH).asText())) {
          if (at >= 0) {
            merged.remove(at);
          }
        } else if (at >= 0) {
          merged.set(at, merge(merged.get(at), element));
        } else {
          merged.add(withoutDirectives(element));
        }
      } else if (!merged.contains(element)) {
        merged.add(element.deepCopy());
      }
    }
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    if (order.isArray()) {
      for (JsonNode wanted : order) {
        int at =
            key.isPresent() && wanted.isObject()
                ? indexOf(merged, key.get(), wanted.path(key.get()))
                : merged.indexOf(wanted);
        if (at >= 0) {
          result.add(merged.remove(at));
        }
      }
    }
    merged.forEach(result::add);
    return result;
  }

  /**
   * The merge key: the one field of the {@code $setElementOrder/} entries, or else the field beside
   * {@code $patch} in a deletion.
   */
  private static Optional<String> mergeKey(JsonNode order, ArrayNode patch) {
    for (JsonNode entry : order) {
      if (entry.isObject() && entry.size() == 1) {
        return Optional.of(entry.fieldNames().next());
      }
    }
    for (JsonNode element : patch) {
      if (element.isObject() && element.has(PATCH) && element.size() == 2) {
        for (Iterator<String> it = element.fieldNames(); it.hasNext(); ) {
          String name = it.next();
          if (!name.equals(PATCH)) {
            return Optional.of(name);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static int indexOf(List<JsonNode> elements, String key, JsonNode value) {
    for (int i = 0; i < elements.size(); i++) {
      if (elements.get(i).path(key).equals(value)) {
        return i;
      }
    }
    return -1;
  }

  private static void removeValues(ArrayNode list, JsonNode values) {
    for (int i = list.size() - 1; i >= 0; i--) {
      for (JsonNode value : values) {
        if (list.get(i).equals(value)) {
          list.remove(i);
          break;
        }
      }
    }
  }

  /** A copy of {@code node} with every {@code $} directive taken out, at any depth. */
  static JsonNode withoutDirectives(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields()
          .forEachRemaining(
              f -> {
                if (!f.getKey().startsWith("$")) {
                  copy.set(f.getKey(), withoutDirectives(f.getValue()));
                }
              });
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> copy.add(withoutDirectives(e)));
      return copy;
    }
    return node.deepCopy();
  }
}
