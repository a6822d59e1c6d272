package dev.aegis.orchestrator.production.slo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one tracker's observations in one transaction changed, so that they can be taken back: the
 * old value of every bucket written and of the fields set, undone newest first. Each ring's fields
 * are saved at its first change only, and a bucket is not saved again while the ring's windows keep
 * falling into it, so a batch's windows of one track cost a few buckets per ring, where a copy of
 * the tracker would cost its whole rings (about 12 KB after three days). Not thread-safe: used
 * under the tracker's lock.
 */
final class UndoLog {

  private Object[] arrays;
  private int[] indexes;
  private long[] old;
  private int size;
  private final List<Runnable> fields = new ArrayList<>(4);

  /**
   * Per ring of the tracker, the bucket saved last (-1: none): a batch's windows of one track
   * mostly fall into the bucket the previous one did, which then needs no saving again.
   */
  private final int[] lastSaved;

  /** Per ring, whether its fields are saved; then whether the tracker's own are. */
  private final boolean[] ringSaved;

  private boolean trackerSaved;

  /** A log for a tracker of {@code rings} rings. */
  UndoLog(int rings) {
    // Room for one window's saves without growing: five elements of a bucket per ring, and the
    // tracker's alert times. A log lives for one batch, and at 10 000 services nearly every window
    // of a batch has its own.
    int room = SAVES_PER_RING * rings + 2;
    arrays = new Object[room];
    indexes = new int[room];
    old = new long[room];
    lastSaved = new int[rings];
    Arrays.fill(lastSaved, -1);
    ringSaved = new boolean[rings];
  }

  /** The elements {@link WindowRing} saves for a bucket it writes. */
  static final int SAVES_PER_RING = 5;

  /** Whether ring {@code ring}'s fields are to be saved now: true the first time only. */
  boolean firstTouch(int ring) {
    if (ringSaved[ring]) {
      return false;
    }
    ringSaved[ring] = true;
    return true;
  }

  /** Whether the tracker's fields are to be saved now: true the first time only. */
  boolean firstTouchOfTracker() {
    if (trackerSaved) {
      return false;
    }
    trackerSaved = true;
    return true;
  }

  /**
   * Whether bucket {@code slot} of ring {@code ring} is the one this log saved last for that ring
   * (its value before this log is then saved already); otherwise records that it is about to be.
   * Only the first save of an element counts on undo, so skipping a repeat loses nothing; a ring
   * that grew into new arrays meanwhile writes the new ones, which undo drops anyway.
   */
  boolean savedLast(int ring, int slot) {
    if (lastSaved[ring] == slot) {
      return true;
    }
    lastSaved[ring] = slot;
    return false;
  }

  void save(double[] array, int index) {
    push(array, index, Double.doubleToRawLongBits(array[index]));
  }

  void save(int[] array, int index) {
    push(array, index, array[index]);
  }

  void save(long[] array, int index) {
    push(array, index, array[index]);
  }

  /** {@code restore} sets fields back to the values they hold now. */
  void onUndo(Runnable restore) {
    fields.add(restore);
  }

  /**
   * Restores every element and field to its value before the first change logged. Array elements
   * are restored in the array they were written in, so a ring that grew into new arrays meanwhile
   * gets its old arrays back with their old contents.
   */
  void undo() {
    for (int i = size - 1; i >= 0; i--) {
      Object array = arrays[i];
      if (array instanceof double[] d) {
        d[indexes[i]] = Double.longBitsToDouble(old[i]);
      } else if (array instanceof int[] n) {
        n[indexes[i]] = (int) old[i];
      } else {
        ((long[]) array)[indexes[i]] = old[i];
      }
      arrays[i] = null;
    }
    size = 0;
    for (int i = fields.size() - 1; i >= 0; i--) {
      fields.get(i).run();
    }
    fields.clear();
  }

  private void push(Object array, int index, long value) {
    if (size == arrays.length) {
      int grown = size * 2;
      arrays = Arrays.copyOf(arrays, grown);
      indexes = Arrays.copyOf(indexes, grown);
      old = Arrays.copyOf(old, grown);
    }
    arrays[size] = array;
    indexes[size] = index;
    old[size] = value;
    size++;
  }
}
