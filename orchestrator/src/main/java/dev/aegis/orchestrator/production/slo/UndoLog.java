package dev.aegis.orchestrator.production.slo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one tracker's observations changed, so that they can be taken back: the old value of every
 * array element written, and a restore of every field set, undone newest first. It costs a few
 * dozen primitives per health window, where a copy of the tracker would cost its whole ring (about
 * 12 KB after three days). Not thread-safe: used under the tracker's lock.
 */
final class UndoLog {

  private Object[] arrays = new Object[16];
  private int[] indexes = new int[16];
  private long[] old = new long[16];
  private int size;
  private final List<Runnable> fields = new ArrayList<>(4);

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
