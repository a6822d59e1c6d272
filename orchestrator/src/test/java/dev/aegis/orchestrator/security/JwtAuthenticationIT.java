package dev.aegis.orchestrator.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.web.servlet.MockMvc;

/**
 * JWT bearer tokens from an identity provider: signature and expiry checked by the decoder (here
 * one built on a key made for the test, as an issuer's JWK set would give it), roles and namespaces
 * from the claims.
 */
@AegisComponentTest(
    properties = {
      "aegis.api.auth=token",
      "aegis.security.jwt.roles-claim=realm_access.roles",
      "aegis.security.jwt.namespaces-claim=aegis_namespaces"
    })
@AutoConfigureMockMvc
class JwtAuthenticationIT {

  static final KeyPair ISSUER = keys();
  static final KeyPair STRANGER = keys();

  @TestConfiguration
  static class Issuer {
    @Bean
    JwtDecoder jwtDecoder() {
      return NimbusJwtDecoder.withPublicKey((RSAPublicKey) ISSUER.getPublic()).build();
    }
  }

  @Autowired MockMvc mvc;
  @Autowired StaticTokens statics;

  static KeyPair keys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String jwt(
      KeyPair key, String user, List<String> roles, List<String> namespaces, Instant expires)
      throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("sub-" + user)
            .claim("preferred_username", user)
            .claim("realm_access", Map.of("roles", roles))
            .claim("aegis_namespaces", namespaces)
            .issueTime(new Date())
            .expirationTime(Date.from(expires))
            .build();
    SignedJWT signed = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    signed.sign(new RSASSASigner(key.getPrivate()));
    return signed.serialize();
  }

  @Test
  @DisplayName(
      "a signed JWT with roles in a nested claim authenticates; its namespaces bound what it may do")
  void rolesFromClaims() throws Exception {
    Assertions.assertThat(statics.devToken()).as("no dev token beside an issuer").isNull();
    String sre =
        jwt(
            ISSUER,
            "erin",
            List.of("sre", "offline_access"),
            List.of("shop"),
            Instant.now().plusSeconds(300));
    mvc.perform(get("/api/v1/session").header("Authorization", "Bearer " + sre))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.name").value("erin"))
        .andExpect(jsonPath("$.roles[0]").value("sre"))
        .andExpect(jsonPath("$.via").value("jwt"));
    mvc.perform(
            post("/api/v1/experiments")
                .header("Authorization", "Bearer " + sre)
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    """
                {"service": "jwt-cart", "namespace": "pay", "candidate": {"version": "v2", "image": "r.local/c:v2"}}"""))
        .andExpect(status().isForbidden());
    mvc.perform(get("/api/v1/tokens").header("Authorization", "Bearer " + sre))
        .andExpect(status().isForbidden());

    String noRoles =
        jwt(
            ISSUER,
            "nobody",
            List.of("offline_access"),
            List.of("*"),
            Instant.now().plusSeconds(300));
    mvc.perform(get("/api/v1/experiments").header("Authorization", "Bearer " + noRoles))
        .andExpect(status().isForbidden());
  }

  @Test
  @DisplayName("a JWT signed by another key, or expired, is 401")
  void forgedOrExpired() throws Exception {
    String forged =
        jwt(STRANGER, "mallory", List.of("admin"), List.of("*"), Instant.now().plusSeconds(300));
    mvc.perform(get("/api/v1/experiments").header("Authorization", "Bearer " + forged))
        .andExpect(status().isUnauthorized());
    String expired =
        jwt(ISSUER, "erin", List.of("sre"), List.of("*"), Instant.now().minusSeconds(3600));
    mvc.perform(get("/api/v1/experiments").header("Authorization", "Bearer " + expired))
        .andExpect(status().isUnauthorized());
  }
}
