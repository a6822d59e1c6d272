package dev.aegis.operators.actuation;

import static dev.aegis.operators.actuation.AegisMetadata.LAST_ACTUATION;

import dev.aegis.operators.routing.ObjectEdit;
import dev.aegis.operators.routing.UnsatisfiableEditException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a command's edits, each object once, in the order the command listed them, and marks each
 * written object with the command id ({@value AegisMetadata#LAST_ACTUATION}). An object that
 * already carries the id is not written again: after a crash between two writes, re-running the
 * command writes only what is missing, and re-running a completed command writes nothing at all.
 *
 * <p>Writes are updates with the resourceVersion just read, so a concurrent change fails the write
 * (409) instead of being overwritten; the command is then deferred and re-planned on fresh state.
 */
final class EditWriter {

  private final KubernetesSerialization serialization;

  EditWriter(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /**
   * What a write did: the objects written, and those skipped because they already carried the id.
   */
  record Report(List<String> written, List<String> alreadyMarked) {

    boolean alreadyApplied() {
      return written.isEmpty() && !alreadyMarked.isEmpty();
    }
  }

  Report write(String commandId, List<ObjectEdit<?>> edits) {
    List<String> written = new ArrayList<>();
    List<String> alreadyMarked = new ArrayList<>();
    for (ObjectEdit<?> edit : merge(edits)) {
      boolean wrote = writeOne(commandId, edit);
      (wrote ? written : alreadyMarked).add(edit.key());
    }
    return new Report(written, alreadyMarked);
  }

  private <T extends HasMetadata> boolean writeOne(String commandId, ObjectEdit<T> edit) {
    T current = edit.operation().withName(edit.name()).get();
    if (current != null && commandId.equals(CanaryWorkload.annotation(current, LAST_ACTUATION))) {
      return false;
    }
    if (current == null && !edit.mayCreate()) {
      throw new UnsatisfiableEditException(edit.missingReason());
    }
    T desired = edit.applyTo(current == null ? edit.blank() : serialization.clone(current));
    Map<String, String> annotations =
        desired.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(desired.getMetadata().getAnnotations());
    annotations.put(LAST_ACTUATION, commandId);
    desired.getMetadata().setAnnotations(annotations);
    if (current == null) {
      edit.operation().resource(desired).create();
    } else {
      edit.operation().resource(desired).update();
    }
    return true;
  }

  /** One edit per object, at the position of its first edit. */
  static List<ObjectEdit<?>> merge(List<ObjectEdit<?>> edits) {
    Map<String, ObjectEdit<?>> byObject = new LinkedHashMap<>();
    for (ObjectEdit<?> edit : edits) {
      byObject.merge(edit.key(), edit, (first, next) -> first.andThen(next));
    }
    return List.copyOf(byObject.values());
  }
}
