package dev.aegis.orchestrator.ratelimit;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The two rate limits around Spring Security's filter chain: per address before it, per principal
 * after it.
 */
@Configuration
@ConditionalOnProperty(
    name = "aegis.limits.rate.enabled",
    havingValue = "true",
    matchIfMissing = true)
class RateLimitConfiguration {

  @Bean
  FilterRegistrationBean<RateLimitFilter> addressRateLimit(
      RateLimitProperties properties, Clock clock) {
    FilterRegistrationBean<RateLimitFilter> r =
        new FilterRegistrationBean<>(RateLimitFilter.perAddress(properties, clock));
    r.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER - 10);
    return r;
  }

  @Bean
  FilterRegistrationBean<RateLimitFilter> principalRateLimit(
      RateLimitProperties properties, Clock clock) {
    FilterRegistrationBean<RateLimitFilter> r =
        new FilterRegistrationBean<>(RateLimitFilter.perPrincipal(properties, clock));
    r.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 10);
    return r;
  }
}
