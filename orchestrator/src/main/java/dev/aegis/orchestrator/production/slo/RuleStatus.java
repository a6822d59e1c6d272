package dev.aegis.orchestrator.production.slo;

import java.time.Instant;

/**
 * Whether one rule is firing on a track.
 *
 * @param rule the rule
 * @param firing whether it is firing now
 * @param firedAt when it fired, or {@code null} when it is not firing
 * @param burnRateLong burn rate over the rule's long window, as seen
 * @param burnRateShort burn rate over the rule's short window, as seen
 */
public record RuleStatus(
    AlertRule rule, boolean firing, Instant firedAt, double burnRateLong, double burnRateShort) {}
