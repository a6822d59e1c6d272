package dev.aegis.chaos;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One step that undoes part of an injection. An injection's reverts are stored with its deadline,
 * so a restarted Aegis can still undo a fault it injected before it died. Every step is idempotent:
 * undoing what is already gone changes nothing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Revert.DeleteObject.class, name = "delete-object"),
  @JsonSubTypes.Type(value = Revert.RemoveRoute.class, name = "remove-route")
})
public sealed interface Revert permits Revert.DeleteObject, Revert.RemoveRoute {

  /** Deletes an object the injection created (a Job, a NetworkPolicy, a Chaos Mesh resource). */
  record DeleteObject(String apiVersion, String kind, String namespace, String name)
      implements Revert {}

  /**
   * Removes the HTTP route (or the fault block) the injection added to a routing object, found by
   * its name {@code routeName}; the rest of the object, including weights Aegis set since, is left
   * as it is.
   */
  record RemoveRoute(
      String apiVersion, String kind, String namespace, String name, String routeName)
      implements Revert {}
}
