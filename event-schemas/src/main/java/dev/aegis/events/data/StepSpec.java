package dev.aegis.events.data;

import java.time.Duration;

/**
 * One canary step: route {@code weight} percent of traffic to the candidate for at least {@code
 * minDuration} of event time.
 *
 * @param weight traffic percentage, {@code 1..100}; a policy's weights ascend strictly to 100
 * @param minDuration how long the step must stay healthy, ISO-8601 in JSON ({@code PT24H})
 */
public record StepSpec(int weight, Duration minDuration) {}
