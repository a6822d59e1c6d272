package dev.aegis.orchestrator.safety;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * Runs the production checks on the finished environment, before any bean definition is loaded: no
 * embedded server, web server, consumer or relay has started when it refuses. Registered in
 * META-INF/spring.factories.
 *
 * <p>An {@link ApplicationContextInitializer} rather than an {@code EnvironmentPostProcessor}: it
 * sees the same configuration files, environment and command line, and also what other initializers
 * add (the test support points contexts at its servers that way), and it still runs before anything
 * starts. Ordered last, so it checks what the earlier initializers left.
 */
public final class StartupSafetyCheck
    implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

  private static final Logger LOG = LoggerFactory.getLogger(StartupSafetyCheck.class);

  /**
   * @throws UnsafeStartException if any check fails; Spring Boot then reports it through {@link
   *     UnsafeStartFailureAnalyzer} and the start ends
   */
  @Override
  public void initialize(ConfigurableApplicationContext context) {
    StartupFacts facts = StartupFacts.from(context.getEnvironment());
    List<Refusal> refusals = StartupSafety.check(facts);
    if (!refusals.isEmpty()) {
      throw new UnsafeStartException(StartupSafety.triggers(facts), refusals);
    }
    List<String> external = StartupSafety.externalServers(facts);
    if (facts.development() && !facts.productionProfile() && !external.isEmpty()) {
      LOG.warn(
          "{}=true: the production checks are off, although external servers are configured ({})",
          StartupFacts.DEVELOPMENT,
          String.join(", ", external));
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
