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
import java.util.function.BooleanSupplier;

/**
 * Writes a command's edits, each object once, in the order the command listed them, and marks each
 * written object with the command id ({@value AegisMetadata#LAST_ACTUATION}). An object that
 * already carries the id, or the id of a later command of the same experiment ({@link #isLater}),
 * is not written again: after a crash between two writes, re-running the command writes only what
 * is missing, and re-running a completed or overtaken command writes nothing at all.
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
    return write(commandId, edits, () -> true);
  }

  /**
   * Writes as {@link #write(String, List)}, asking {@code mayWrite} before each object is written,
   * once it is read: a relay whose lease ran out stops there ({@link LeaseLostException}). Checked
   * after the read, a true answer means no other relay could hold the command when the object was
   * read, so a later write by anyone fails this one's resourceVersion.
   */
  Report write(String commandId, List<ObjectEdit<?>> edits, BooleanSupplier mayWrite) {
    List<String> written = new ArrayList<>();
    List<String> alreadyMarked = new ArrayList<>();
    for (ObjectEdit<?> edit : merge(edits)) {
      boolean wrote = writeOne(commandId, edit, mayWrite);
      (wrote ? written : alreadyMarked).add(edit.key());
    }
    return new Report(written, alreadyMarked);
  }

  private <T extends HasMetadata> boolean writeOne(
      String commandId, ObjectEdit<T> edit, BooleanSupplier mayWrite) {
    T current = edit.operation().withName(edit.name()).get();
    String marked = current == null ? null : CanaryWorkload.annotation(current, LAST_ACTUATION);
    if (commandId.equals(marked) || isLater(marked, commandId)) {
      return false;
    }
    if (!mayWrite.getAsBoolean()) {
      throw new LeaseLostException(edit.key());
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

  /**
   * Whether {@code marked}, the command id an object carries, is a later command of the same
   * experiment than {@code commandId}. The lifecycle core numbers an experiment's commands {@code
   * <experiment>:<revision>:<index>} by the revision that decided them, and a service's commands
   * are leased one at a time, in order: an object marked by a later command means this one was
   * carried out already, by a relay that took it over after this one's lease ran out. Writing it
   * again would undo the later command (a 50% traffic shift after the promotion). The write that
   * follows the check carries the resourceVersion it read, so a later command written in between
   * fails it (409), and the retry reads the mark. Ids of another form, or of another experiment,
   * are never later: a stale command of an earlier experiment is kept from writing over the next
   * experiment's objects by its relay's lease ({@code mayWrite}), not by the mark.
   */
  static boolean isLater(String marked, String commandId) {
    Order ours = Order.of(commandId);
    Order theirs = Order.of(marked);
    if (ours == null || theirs == null || !ours.experiment().equals(theirs.experiment())) {
      return false;
    }
    return theirs.revision() > ours.revision()
        || (theirs.revision() == ours.revision() && theirs.index() > ours.index());
  }

  /** A command id of the core's form, taken apart. */
  private record Order(String experiment, long revision, long index) {

    /** Null when {@code commandId} has another form. */
    static Order of(String commandId) {
      if (commandId == null) {
        return null;
      }
      int last = commandId.lastIndexOf(':');
      int middle = last <= 0 ? -1 : commandId.lastIndexOf(':', last - 1);
      if (middle <= 0) {
        return null;
      }
      try {
        long revision = Long.parseLong(commandId.substring(middle + 1, last));
        long index = Long.parseLong(commandId.substring(last + 1));
        return revision < 0 || index < 0
            ? null
            : new Order(commandId.substring(0, middle), revision, index);
      } catch (NumberFormatException e) {
        return null;
      }
    }
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
