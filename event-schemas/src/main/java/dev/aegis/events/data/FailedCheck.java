package dev.aegis.events.data;

/**
 * One check that failed during canary analysis or production monitoring.
 *
 * @param check name of the check, e.g. {@code error-rate} or {@code p95-latency}
 * @param observed the value observed
 * @param threshold the limit it was compared with
 * @param comparison the relation that had to hold for the check to pass, {@code observed
 *     <comparison> threshold}: one of {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ==},
 *     {@code !=}
 * @param message human-readable explanation
 */
public record FailedCheck(
    String check, double observed, double threshold, String comparison, String message) {}
