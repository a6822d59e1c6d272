package dev.aegis.operators.routing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One intended change to one object, collected before anything is written. A command gathers its
 * edits (canary workload, routing object, stable Deployment, …) in the order they must reach the
 * cluster; the actuator merges the edits of one object and writes each object once, which is what
 * makes a command's effect recordable on each object and a re-run after a crash finish the rest.
 *
 * <p>{@code change} receives a private copy of the current object (or of {@code blank} when the
 * object does not exist yet and may be created) and returns the desired object. It may throw {@link
 * UnsatisfiableEditException}; it is only called when the object is actually about to be written.
 */
public final class ObjectEdit<T extends HasMetadata> {

  private final String kind;
  private final String namespace;
  private final String name;
  private final NonNamespaceOperation<T, ?, ? extends Resource<T>> operation;
  private final Supplier<T> blank;
  private final String missingReason;
  private final UnaryOperator<T> change;

  private ObjectEdit(
      String kind,
      String namespace,
      String name,
      NonNamespaceOperation<T, ?, ? extends Resource<T>> operation,
      Supplier<T> blank,
      String missingReason,
      UnaryOperator<T> change) {
    this.kind = kind;
    this.namespace = namespace;
    this.name = name;
    this.operation = operation;
    this.blank = blank;
    this.missingReason = missingReason;
    this.change = change;
  }

  /**
   * An edit of an object that must exist; if it does not, the command is refused with {@code
   * missingReason}.
   */
  public static <T extends HasMetadata> ObjectEdit<T> ofExisting(
      String kind,
      String namespace,
      String name,
      NonNamespaceOperation<T, ?, ? extends Resource<T>> operation,
      String missingReason,
      UnaryOperator<T> change) {
    return new ObjectEdit<>(
        kind, namespace, name, operation, null, Objects.requireNonNull(missingReason), change);
  }

  /** An edit that creates the object from {@code blank} when it does not exist. */
  public static <T extends HasMetadata> ObjectEdit<T> createOrUpdate(
      String kind,
      String namespace,
      String name,
      NonNamespaceOperation<T, ?, ? extends Resource<T>> operation,
      Supplier<T> blank,
      UnaryOperator<T> change) {
    return new ObjectEdit<>(
        kind, namespace, name, operation, Objects.requireNonNull(blank), null, change);
  }

  /**
   * Identifies the object, e.g. {@code Deployment shop/cart}; edits with the same key are merged.
   */
  public String key() {
    return kind + " " + namespace + "/" + name;
  }

  public String name() {
    return name;
  }

  public NonNamespaceOperation<T, ?, ? extends Resource<T>> operation() {
    return operation;
  }

  public boolean mayCreate() {
    return blank != null;
  }

  public T blank() {
    return blank.get();
  }

  public String missingReason() {
    return missingReason;
  }

  public T applyTo(T base) {
    return change.apply(base);
  }

  /**
   * This edit followed by {@code next} on the same object, as one write: the object may be created
   * if either edit may create it.
   */
  @SuppressWarnings("unchecked")
  public ObjectEdit<T> andThen(ObjectEdit<?> next) {
    if (!key().equals(next.key())) {
      throw new IllegalArgumentException("cannot merge edits of " + key() + " and " + next.key());
    }
    ObjectEdit<T> same = (ObjectEdit<T>) next;
    UnaryOperator<T> both = base -> same.change.apply(change.apply(base));
    Supplier<T> anyBlank = blank != null ? blank : same.blank;
    String reason = missingReason != null ? missingReason : same.missingReason;
    return new ObjectEdit<>(kind, namespace, name, operation, anyBlank, reason, both);
  }
}
