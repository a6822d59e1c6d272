package dev.aegis.orchestrator.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Request budgets ({@code aegis.limits.rate.*}), as token buckets that refill evenly over a minute
 * and hold at most a minute's worth. Per client address (before authentication, so token guessing
 * is slowed too) and per authenticated principal; reads and changes (every method but
 * GET/HEAD/OPTIONS) have separate budgets.
 *
 * @param enabled whether requests are limited at all
 * @param address budgets per client address ({@code request.getRemoteAddr()}: put a trusted proxy's
 *     forwarded-address handling in the servlet container, never trust a client's header here)
 * @param principal budgets per authenticated principal
 * @param maxKeys how many addresses and principals are tracked at most; the longest idle are
 *     forgotten first
 */
@ConfigurationProperties("aegis.limits.rate")
public record RateLimitProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue Budget address,
    @DefaultValue Budget principal,
    @DefaultValue("10000") int maxKeys) {

  /**
   * @param readsPerMinute GET/HEAD/OPTIONS; @param changesPerMinute every other method
   */
  public record Budget(
      @DefaultValue("1200") int readsPerMinute, @DefaultValue("120") int changesPerMinute) {}
}
