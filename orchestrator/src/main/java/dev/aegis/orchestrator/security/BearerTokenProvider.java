package dev.aegis.orchestrator.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Authenticates the bearer tokens Aegis issues itself: the bootstrap token, the dev token (loopback
 * only) and API tokens. Anything else is left to the JWT provider when an issuer is configured, and
 * refused otherwise.
 */
final class BearerTokenProvider implements AuthenticationProvider {

  private final StaticTokens statics;
  private final ApiTokens apiTokens;
  private final boolean jwtConfigured;

  BearerTokenProvider(StaticTokens statics, ApiTokens apiTokens, boolean jwtConfigured) {
    this.statics = statics;
    this.apiTokens = apiTokens;
    this.jwtConfigured = jwtConfigured;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    BearerTokenAuthenticationToken bearer = (BearerTokenAuthenticationToken) authentication;
    String token = bearer.getToken();
    String remote =
        bearer.getDetails() instanceof WebAuthenticationDetails d ? d.getRemoteAddress() : null;
    switch (statics.match(token, remote)) {
      case BOOTSTRAP:
        return new AegisAuthentication(AegisPrincipal.superuser("bootstrap", "bootstrap-token"));
      case DEV:
        return new AegisAuthentication(AegisPrincipal.superuser("dev", "dev-token"));
      case DEV_NOT_LOOPBACK:
        throw new BadCredentialsException(
            "the dev token is accepted only from this machine (loopback); "
                + "use an API token (aegis token create) or a JWT from a remote client");
      case NONE:
      default:
        break;
    }
    if (ApiTokens.looksLikeApiToken(token)) {
      ApiTokens.Presented presented = apiTokens.authenticate(token);
      return presented
          .principal()
          .<Authentication>map(AegisAuthentication::new)
          .orElseThrow(
              () ->
                  new BadCredentialsException(
                      switch (presented.rejection()) {
                        case EXPIRED -> "the API token has expired; ask an admin for a new one";
                        case REVOKED -> "the API token was revoked";
                        case UNKNOWN -> "the bearer token is not a token this Aegis issued";
                      }));
    }
    if (jwtConfigured) {
      return null; // the JWT provider decides
    }
    throw new BadCredentialsException(
        "the bearer token is not a token this Aegis issued (and no JWT issuer is " + "configured)");
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
