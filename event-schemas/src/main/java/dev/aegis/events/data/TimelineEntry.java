package dev.aegis.events.data;

import java.time.Instant;

/** One lifecycle transition as listed in an RCA's timeline; see {@link LifecycleTransitioned}. */
public record TimelineEntry(String from, String to, String reason, String actor, Instant at) {}
