package dev.aegis.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard's single sign-on over real HTTP: Aegis sends the browser to the identity provider
 * (a small OpenID provider served by this test: token endpoint and key set, ID tokens signed with a
 * key made here), takes the code back, verifies the ID token (signature, audience, nonce) and keeps
 * the principal its claims describe in the session. A callback with a forged state logs no one in.
 */
@AegisComponentTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-the-oidc-test-0123456789abcdef"
    })
class OidcLoginIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair KEY = JwtAuthenticationIT.keys();
  private static final HttpServer IDP = identityProvider();
  private static volatile String nonce;

  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @DynamicPropertySource
  static void registration(DynamicPropertyRegistry r) {
    String idp = "http://127.0.0.1:" + IDP.getAddress().getPort();
    String prefix = "spring.security.oauth2.client.";
    r.add(prefix + "registration.corp.client-id", () -> "aegis");
    r.add(prefix + "registration.corp.client-secret", () -> "client-secret-of-the-oidc-test");
    r.add(prefix + "registration.corp.client-name", () -> "Corp SSO");
    r.add(prefix + "registration.corp.scope", () -> "openid");
    r.add(prefix + "registration.corp.authorization-grant-type", () -> "authorization_code");
    r.add(
        prefix + "registration.corp.redirect-uri",
        () -> "{baseUrl}/login/oauth2/code/{registrationId}");
    r.add(prefix + "provider.corp.authorization-uri", () -> idp + "/authorize");
    r.add(prefix + "provider.corp.token-uri", () -> idp + "/token");
    r.add(prefix + "provider.corp.jwk-set-uri", () -> idp + "/jwks");
    r.add(prefix + "provider.corp.user-name-attribute", () -> "sub");
  }

  @AfterAll
  static void stopIdentityProvider() {
    IDP.stop(0);
  }

  private static HttpServer identityProvider() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/jwks",
          ex ->
              reply(
                  ex,
                  new JWKSet(new RSAKey.Builder((RSAPublicKey) KEY.getPublic()).keyID("k1").build())
                      .toString()));
      server.createContext(
          "/token",
          ex -> {
            ex.getRequestBody().readAllBytes();
            try {
              JWTClaimsSet claims =
                  new JWTClaimsSet.Builder()
                      .issuer("http://127.0.0.1:" + server.getAddress().getPort())
                      .subject("u-42")
                      .audience("aegis")
                      .claim("preferred_username", "erin")
                      .claim("aegis_roles", List.of("sre"))
                      .claim("aegis_namespaces", List.of("shop"))
                      .claim("nonce", nonce)
                      .issueTime(new Date())
                      .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                      .build();
              SignedJWT idToken =
                  new SignedJWT(
                      new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
              idToken.sign(new RSASSASigner(KEY.getPrivate()));
              reply(
                  ex,
                  JSON.writeValueAsString(
                      Map.of(
                          "access_token",
                          "opaque-access-token",
                          "token_type",
                          "Bearer",
                          "expires_in",
                          300,
                          "scope",
                          "openid",
                          "id_token",
                          idToken.serialize())));
            } catch (Exception e) {
              throw new IOException(e);
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void reply(HttpExchange ex, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie(HttpResponse<?> r) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("AEGIS_SESSION="))
        .map(c -> c.substring(0, c.indexOf(';')))
        .findFirst()
        .orElse(null);
  }

  private static Map<String, String> query(String url) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  @DisplayName(
      "the dashboard offers the provider; its login ends in a session holding the principal of the ID token's claims")
  void singleSignOn() throws Exception {
    JsonNode options = JSON.readTree(get("/api/v1/session/options", null).body());
    assertThat(options.path("singleSignOn").get(0).path("name").asText()).isEqualTo("Corp SSO");

    HttpResponse<String> toIdp =
        get("/" + options.path("singleSignOn").get(0).path("url").asText(), null);
    assertThat(toIdp.statusCode()).isEqualTo(302);
    String authorize = toIdp.headers().firstValue("Location").orElseThrow();
    assertThat(authorize)
        .startsWith("http://127.0.0.1:" + IDP.getAddress().getPort() + "/authorize");
    Map<String, String> request = query(authorize);
    nonce = request.get("nonce");
    String preLogin = cookie(toIdp);

    HttpResponse<String> back =
        get(
            "/login/oauth2/code/corp?code=the-code&state="
                + URLEncoder.encode(request.get("state"), StandardCharsets.UTF_8),
            preLogin);
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    assertThat(back.headers().firstValue("Location").orElseThrow()).endsWith("/");
    String session = cookie(back);
    assertThat(session).as("a new session id at login").isNotNull().isNotEqualTo(preLogin);

    JsonNode me = JSON.readTree(get("/api/v1/session", session).body());
    assertThat(me.path("name").asText()).isEqualTo("erin");
    assertThat(me.path("via").asText()).isEqualTo("oidc");
    assertThat(me.path("roles").get(0).asText()).isEqualTo("sre");
    assertThat(me.path("namespaces").get(0).asText()).isEqualTo("shop");
    assertThat(get("/api/v1/audit", session).statusCode())
        .as("scoped to shop: no cross-namespace audit")
        .isEqualTo(403);
  }

  @Test
  @DisplayName("a callback with a state Aegis did not issue logs no one in")
  void forgedState() throws Exception {
    HttpResponse<String> toIdp = get("/oauth2/authorization/corp", null);
    nonce = query(toIdp.headers().firstValue("Location").orElseThrow()).get("nonce");
    HttpResponse<String> back =
        get("/login/oauth2/code/corp?code=the-code&state=forged", cookie(toIdp));
    assertThat(back.statusCode()).isEqualTo(302);
    assertThat(back.headers().firstValue("Location").orElseThrow()).endsWith("#login-failed");
    String session = cookie(back) != null ? cookie(back) : cookie(toIdp);
    assertThat(get("/api/v1/session", session).statusCode()).isEqualTo(401);
  }
}
