package dev.aegis.orchestrator.security;

import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetailsSource;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's login: a token (API token, JWT, or the dev token from this machine) exchanged for
 * a session cookie (HttpOnly, Secure, SameSite=Strict) and a CSRF token that changes made with that
 * cookie must carry in {@code X-CSRF-TOKEN}. The session id changes at login, so a planted session
 * is worth nothing.
 */
@RestController
@RequestMapping("/api/v1/session")
class SessionController {

  record LoginRequest(String token) {}

  record SessionView(
      String name,
      List<String> roles,
      List<String> namespaces,
      String via,
      String csrfHeader,
      String csrfToken) {}

  /** One single sign-on provider the dashboard may offer. */
  record Provider(String id, String name, String url) {}

  record LoginOptions(boolean token, List<Provider> singleSignOn) {}

  private final AuthenticationManager authentication;
  private final ObjectProvider<ClientRegistrationRepository> oidc;
  private final HttpSessionCsrfTokenRepository csrfTokens;
  private final Access access;
  private final HttpSessionSecurityContextRepository sessions =
      new HttpSessionSecurityContextRepository();
  private final WebAuthenticationDetailsSource details = new WebAuthenticationDetailsSource();

  SessionController(
      AuthenticationManager bearerAuthentication,
      HttpSessionCsrfTokenRepository csrfTokens,
      Access access,
      ObjectProvider<ClientRegistrationRepository> oidc) {
    this.oidc = oidc;
    this.authentication = bearerAuthentication;
    this.csrfTokens = csrfTokens;
    this.access = access;
  }

  @PostMapping
  ResponseEntity<?> login(
      @RequestBody(required = false) LoginRequest body,
      HttpServletRequest request,
      HttpServletResponse response) {
    if (body == null
        || body.token() == null
        || body.token().isBlank()
        || body.token().length() > 8192) {
      throw new InvalidSubmissionException(
          "token", "token is required: an API token, a JWT, or the dev token");
    }
    BearerTokenAuthenticationToken presented =
        new BearerTokenAuthenticationToken(body.token().trim());
    presented.setDetails(details.buildDetails(request));
    Authentication authenticated;
    try {
      authenticated = authentication.authenticate(presented);
    } catch (AuthenticationException e) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
          .body(
              Problems.of(
                  HttpStatus.UNAUTHORIZED, "unauthorized", "Login refused", e.getMessage()));
    }
    HttpSession old = request.getSession(false);
    if (old != null) {
      old.invalidate();
    }
    request.getSession(true);
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(authenticated);
    SecurityContextHolder.setContext(context);
    sessions.saveContext(context, request, response);
    CsrfToken csrf = csrfTokens.generateToken(request);
    csrfTokens.saveToken(csrf, request, response);
    return ResponseEntity.ok(view(csrf));
  }

  /**
   * Open: what the login dialog may offer (always a token; the configured single sign-on
   * providers).
   */
  @GetMapping("/options")
  LoginOptions options() {
    List<Provider> providers = new ArrayList<>();
    if (oidc.getIfAvailable() instanceof Iterable<?> registrations) {
      for (Object r : registrations) {
        ClientRegistration c = (ClientRegistration) r;
        providers.add(
            new Provider(
                c.getRegistrationId(),
                c.getClientName(),
                "oauth2/authorization/" + c.getRegistrationId()));
      }
    }
    return new LoginOptions(true, providers);
  }

  @GetMapping
  SessionView whoAmI(HttpServletRequest request, HttpServletResponse response) {
    CsrfToken csrf = null;
    if (request.getSession(false) != null) {
      csrf = csrfTokens.loadToken(request);
      if (csrf == null) {
        csrf = csrfTokens.generateToken(request);
        csrfTokens.saveToken(csrf, request, response);
      }
    }
    return view(csrf);
  }

  @DeleteMapping
  ResponseEntity<Void> logout(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    SecurityContextHolder.clearContext();
    return ResponseEntity.noContent().build();
  }

  private SessionView view(CsrfToken csrf) {
    AegisPrincipal p = access.principal();
    return new SessionView(
        p.name(),
        p.roles().stream().map(Role::external).toList(),
        List.copyOf(p.namespaces()),
        p.via(),
        csrf == null ? null : csrf.getHeaderName(),
        csrf == null ? null : csrf.getToken());
  }
}
