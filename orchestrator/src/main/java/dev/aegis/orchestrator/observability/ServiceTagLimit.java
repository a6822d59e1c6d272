package dev.aegis.orchestrator.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the cardinality of the {@code service} tag: the first {@code maxServices} distinct
 * services keep their name, every later one is counted as {@code other}. Service names come from
 * events anyone allowed to publish may choose, so without a bound they could grow the registry (and
 * every scrape) without end.
 */
public final class ServiceTagLimit implements MeterFilter {

  public static final String TAG = "service";
  public static final String OTHER = "other";

  private final int maxServices;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();

  public ServiceTagLimit(int maxServices) {
    this.maxServices = maxServices;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    String service = id.getTag(TAG);
    if (service == null || admitted.contains(service) || admit(service)) {
      return id;
    }
    List<Tag> tags = new ArrayList<>();
    for (Tag t : id.getTagsAsIterable()) {
      tags.add(t.getKey().equals(TAG) ? Tag.of(TAG, OTHER) : t);
    }
    return id.replaceTags(tags);
  }

  private synchronized boolean admit(String service) {
    if (admitted.size() >= maxServices) {
      return false;
    }
    admitted.add(service);
    return true;
  }
}
