package dev.aegis.orchestrator.safety;

/**
 * One reason Aegis refuses to start, with what to do about it. Messages name settings, never their
 * values: a refusal may be about a secret.
 *
 * @param reason which check failed
 * @param problem what is wrong, in this configuration
 */
public record Refusal(Reason reason, String problem) {

  /** What to change so the check passes. */
  public String fix() {
    return reason.fix;
  }

  /** Builds the refusal for {@code reason}, its problem template filled with {@code details}. */
  static Refusal of(Reason reason, Object... details) {
    return new Refusal(reason, String.format(reason.problem, details));
  }

  /** Every check, its problem template and its fix; docs/production.md lists the same. */
  public enum Reason {
    NO_AUTHENTICATION(
        "no authentication is configured: neither aegis.api.token (AEGIS_API_TOKEN) nor an OAuth2 JWT issuer"
            + " (spring.security.oauth2.resourceserver.jwt.issuer-uri, jwk-set-uri or public-key-location)"
            + " is set",
        "set AEGIS_API_TOKEN to a random token of at least 32 characters (openssl rand -hex 32), or configure"
            + " the JWT issuer-uri, jwk-set-uri or public-key-location"),
    AUTH_DISABLED(
        "aegis.api.auth=none turns authentication off",
        "remove aegis.api.auth (AEGIS_API_AUTH): behind a gateway, give Aegis a token or the gateway's JWT"
            + " issuer instead"),
    DEV_TOKEN(
        "aegis.api.token is a development token (it starts with dev-)",
        "set AEGIS_API_TOKEN to a random token of at least 32 characters (openssl rand -hex 32)"),
    SHORT_TOKEN(
        "aegis.api.token has %d characters, fewer than 32",
        "set AEGIS_API_TOKEN to a random token of at least 32 characters (openssl rand -hex 32)"),
    DATABASE_PASSWORD_EMPTY(
        "the database at %s has no password (DATABASE_PASSWORD, aegis.database.password and the URL hold none)",
        "set DATABASE_PASSWORD in the environment, or put it in a file named DATABASE_PASSWORD in"
            + " AEGIS_SECRETS_DIR"),
    EMBEDDED_DATABASE(
        "the embedded PostgreSQL is selected (no aegis.database.url / DATABASE_URL): its data lives on this"
            + " machine only, and its server trusts local connections without a password",
        "set DATABASE_URL to the production PostgreSQL, and DATABASE_USERNAME / DATABASE_PASSWORD"),
    KAFKA_PLAINTEXT(
        "Kafka at %s is reached over %s, unencrypted",
        "set spring.kafka.security.protocol=SSL or SASL_SSL (with its TLS and SASL settings); on a network that"
            + " is protected otherwise, opt in with aegis.kafka.allow-plaintext=true"),
    EMBEDDED_KAFKA(
        "the embedded Kafka broker is selected (no aegis.kafka.bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS):"
            + " its records live in this process only",
        "set KAFKA_BOOTSTRAP_SERVERS to the production Kafka cluster"),
    SIMULATOR_ON(
        "the standalone demo and workload simulator are on (%s): they seed demo services and publish simulated"
            + " health windows",
        "set aegis.simulator.enabled=false, or leave it unset with external Kafka and PostgreSQL"),
    EMBEDDED_KUBERNETES(
        "the embedded Kubernetes API is selected (aegis.kubernetes.mode=%s): Aegis would act on an in-process"
            + " API server, not on the cluster",
        "set aegis.kubernetes.mode=external (AEGIS_KUBERNETES_MODE), with a kubeconfig or the in-cluster"
            + " service account and the RBAC of kubernetes/rbac.yaml"),
    NO_SOURCE_ALLOW_LIST(
        "no allow-list of event sources is configured (nothing under aegis.kafka.trust.sources): any producer"
            + " to the input topics would be trusted",
        "list, per event type, the CloudEvents sources Aegis accepts under aegis.kafka.trust.sources"
            + " (docs/security.md)"),
    SECRET_ON_COMMAND_LINE(
        "secrets are given on the command line (%s), where the process list and shell history show them",
        "pass them in the environment, or as files in AEGIS_SECRETS_DIR (default /run/secrets/aegis/), each"
            + " file named after its property");

    private final String problem;
    private final String fix;

    Reason(String problem, String fix) {
      this.problem = problem;
      this.fix = fix;
    }
  }
}
