package dev.aegis.orchestrator.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authentication settings ({@code aegis.security.*}); the token and mode of the API stay under
 * {@code aegis.api.*} ({@code AEGIS_API_TOKEN}). The JWT issuer and key set are Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*}.
 *
 * @param jwt how a JWT's claims map to a principal
 * @param tokens limits of API tokens
 * @param session the dashboard's session cookie
 */
@ConfigurationProperties("aegis.security")
public record AegisSecurityProperties(
    @DefaultValue Jwt jwt,
    @DefaultValue Tokens tokens,
    @DefaultValue Session session,
    @DefaultValue ExperimentResources experimentResources) {

  /**
   * @param crossNamespace resource namespace → other namespaces its {@code Experiment} resources
   *     may act in; empty (the default): each acts only in its own namespace
   */
  public record ExperimentResources(@DefaultValue({}) Map<String, List<String>> crossNamespace) {
    public ExperimentResources {
      crossNamespace = crossNamespace == null ? Map.of() : crossNamespace;
    }
  }

  /**
   * @param nameClaim the claim naming the principal (the actor in the audit log); {@code sub} when
   *     absent
   * @param rolesClaim the claim holding Aegis role names, a list or a space/comma separated string;
   *     a dotted path reaches into objects ({@code realm_access.roles})
   * @param namespacesClaim the claim holding the namespaces the roles apply in ({@code *} = all)
   * @param defaultNamespaces namespaces for a JWT without the namespaces claim
   */
  public record Jwt(
      @DefaultValue("preferred_username") String nameClaim,
      @DefaultValue("aegis_roles") String rolesClaim,
      @DefaultValue("aegis_namespaces") String namespacesClaim,
      @DefaultValue({}) List<String> defaultNamespaces) {}

  /**
   * @param defaultTtl lifetime of a token made without one; @param maxTtl the longest lifetime
   *     allowed
   */
  public record Tokens(
      @DefaultValue("P30D") Duration defaultTtl, @DefaultValue("P365D") Duration maxTtl) {}

  /**
   * @param secureCookie whether the session and CSRF cookies carry {@code Secure} (browsers honour
   *     it on localhost)
   */
  public record Session(@DefaultValue("true") boolean secureCookie) {}
}
