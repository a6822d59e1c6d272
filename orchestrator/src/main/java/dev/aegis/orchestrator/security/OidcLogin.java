package dev.aegis.orchestrator.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * The dashboard's single sign-on: after the identity provider's authorization-code flow, the
 * session holds the Aegis principal the ID token's claims describe (the same claims as a JWT bearer
 * token: name, roles, namespaces), then the browser goes back to the dashboard. A failed login goes
 * back with {@code #login-failed}.
 */
final class OidcLogin implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

  private final JwtPrincipals claims;
  private final HttpSessionSecurityContextRepository sessions =
      new HttpSessionSecurityContextRepository();

  OidcLogin(JwtPrincipals claims) {
    this.claims = claims;
  }

  @Override
  public void onAuthenticationSuccess(
      HttpServletRequest request, HttpServletResponse response, Authentication authentication)
      throws IOException {
    if (!(authentication.getPrincipal() instanceof OidcUser user)) {
      response.sendRedirect(request.getContextPath() + "/#login-failed");
      return;
    }
    AegisPrincipal principal = claims.principal(user.getClaims(), user.getSubject(), "oidc");
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(new AegisAuthentication(principal));
    SecurityContextHolder.setContext(context);
    sessions.saveContext(context, request, response);
    response.sendRedirect(request.getContextPath() + "/");
  }

  @Override
  public void onAuthenticationFailure(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
      throws IOException {
    response.sendRedirect(request.getContextPath() + "/#login-failed");
  }
}
