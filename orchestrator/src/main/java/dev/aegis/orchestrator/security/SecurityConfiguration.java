package dev.aegis.orchestrator.security;

import dev.aegis.orchestrator.persistence.ApiTokenRepository;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Security for every request: a strict path firewall, bearer tokens (API tokens, the
 * bootstrap and dev tokens, JWTs when an issuer is configured) or a dashboard session, the {@link
 * AccessRules} table, CSRF on changes made with the session cookie, and the browser security
 * headers. Nothing is anonymous but the probes, the login and the dashboard's static page.
 */
@Configuration
@EnableWebSecurity
class SecurityConfiguration {

  static final String CSRF_HEADER = "X-CSRF-TOKEN";
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
          + "frame-ancestors 'none'";

  @Bean
  StaticTokens staticTokens(
      @Value("${aegis.api.token:}") String token,
      @Value("${aegis.api.auth:token}") String mode,
      ObjectProvider<JwtDecoder> jwt) {
    return new StaticTokens(token, mode, jwt.getIfAvailable() != null);
  }

  @Bean
  ApiTokenRepository apiTokenRepository() {
    return new ApiTokenRepository();
  }

  @Bean
  ApiTokens apiTokens(
      Transactions transactions,
      ApiTokenRepository repository,
      AuditRepository audit,
      Clock clock,
      AegisSecurityProperties properties) {
    return new ApiTokens(transactions, repository, audit, clock, properties.tokens());
  }

  @Bean
  AuthenticationManager bearerAuthentication(
      StaticTokens statics,
      ApiTokens tokens,
      ObjectProvider<JwtDecoder> jwt,
      AegisSecurityProperties properties) {
    JwtDecoder decoder = jwt.getIfAvailable();
    List<AuthenticationProvider> providers = new ArrayList<>();
    providers.add(new BearerTokenProvider(statics, tokens, decoder != null));
    if (decoder != null) {
      JwtAuthenticationProvider jwtProvider = new JwtAuthenticationProvider(decoder);
      jwtProvider.setJwtAuthenticationConverter(new JwtPrincipals(properties.jwt()));
      providers.add(jwtProvider);
    }
    ProviderManager manager = new ProviderManager(providers);
    manager.setEraseCredentialsAfterAuthentication(true);
    return manager;
  }

  @Bean
  HttpSessionCsrfTokenRepository csrfTokens() {
    HttpSessionCsrfTokenRepository repository = new HttpSessionCsrfTokenRepository();
    repository.setHeaderName(CSRF_HEADER);
    return repository;
  }

  @Bean
  HttpFirewall pathFirewall() {
    return new PathFirewall();
  }

  @Bean
  RequestRejectedHandler requestRejectedHandler() {
    return new ProblemResponses();
  }

  @Bean
  SecurityFilterChain aegisSecurity(
      HttpSecurity http,
      AuthenticationManager bearerAuthentication,
      StaticTokens statics,
      HttpSessionCsrfTokenRepository csrfTokens,
      ObjectProvider<ClientRegistrationRepository> oidc,
      AegisSecurityProperties properties)
      throws Exception {
    ProblemResponses problems = new ProblemResponses();
    http.authorizeHttpRequests(this::authorize)
        .oauth2ResourceServer(
            o ->
                o.authenticationManagerResolver(request -> bearerAuthentication)
                    .authenticationEntryPoint(problems)
                    .accessDeniedHandler(problems))
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .csrf(
            c ->
                c.csrfTokenRepository(csrfTokens)
                    .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                    .requireCsrfProtectionMatcher(cookieAuthenticatedChange()))
        .requestCache(c -> c.disable())
        .formLogin(f -> f.disable())
        .httpBasic(b -> b.disable())
        .logout(l -> l.disable())
        .headers(
            h ->
                h.contentSecurityPolicy(c -> c.policyDirectives(CSP))
                    .frameOptions(f -> f.deny())
                    .referrerPolicy(
                        r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                    .addHeaderWriter(
                        new StaticHeadersWriter(
                            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
                    .addHeaderWriter(
                        new StaticHeadersWriter("Cross-Origin-Opener-Policy", "same-origin")));
    if (oidc.getIfAvailable() != null) {
      OidcLogin login = new OidcLogin(new JwtPrincipals(properties.jwt()));
      http.oauth2Login(o -> o.successHandler(login).failureHandler(login));
    }
    if (statics.authenticationOff()) {
      http.addFilterBefore(new LocalAccessFilter(), AnonymousAuthenticationFilter.class);
    }
    return http.build();
  }

  private void authorize(
      AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry a) {
    // An error dispatch renders the error of a request that was already authorized (or refused).
    a.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll();
    for (AccessRules.Rule rule : AccessRules.RULES) {
      var matcher = a.requestMatchers(rule.method(), rule.path());
      if (rule.open()) {
        matcher.permitAll();
      } else if (rule.roles().isEmpty()) {
        matcher.authenticated();
      } else {
        matcher.hasAnyRole(rule.authorities());
      }
    }
    a.requestMatchers(HttpMethod.GET, AccessRules.STATIC.toArray(String[]::new)).permitAll();
    a.anyRequest().denyAll();
  }

  private static boolean isBearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  /**
   * CSRF matters only where a browser sends credentials by itself: a change carrying the session
   * cookie.
   */
  private static RequestMatcher cookieAuthenticatedChange() {
    // Only a bearer token stands in for the cookie: any other Authorization scheme still needs the
    // CSRF token.
    return request ->
        !SAFE.contains(request.getMethod())
            && !isBearer(request.getHeader("Authorization"))
            && request.getRequestedSessionId() != null
            && !("POST".equals(request.getMethod())
                && "/api/v1/session".equals(request.getServletPath()));
  }
}
