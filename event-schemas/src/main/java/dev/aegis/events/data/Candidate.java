package dev.aegis.events.data;

/**
 * The release an experiment puts under canary analysis.
 *
 * @param version the candidate's version label, non-empty
 * @param image the container image reference, non-empty
 */
public record Candidate(String version, String image) {}
