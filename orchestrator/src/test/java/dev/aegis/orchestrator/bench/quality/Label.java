package dev.aegis.orchestrator.bench.quality;

/** What a candidate really is, known to the generator and hidden from the judges. */
enum Label {
  /** Must be promoted: rolling it back is a false alarm. */
  GOOD,
  /** Must be caught: rolled back (and quarantined) before it is promoted. */
  BAD
}
