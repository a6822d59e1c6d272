package dev.aegis.orchestrator.standalone;

import dev.aegis.orchestrator.kubernetes.AegisKubernetes;
import dev.aegis.orchestrator.security.StaticTokens;
import dev.aegis.orchestrator.standalone.infrastructure.AegisDatabaseBootstrap;
import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaBootstrap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Says where everything is once Aegis is ready: the dashboard and API, the Kafka bootstrap address
 * to publish health to, the Kubernetes API it acts on, and the database, each marked in-process or
 * external.
 */
@Component
class StartupBanner implements ApplicationListener<ApplicationReadyEvent> {

  private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

  private final AegisKafkaBootstrap kafka;
  private final AegisDatabaseBootstrap database;
  private final AegisKubernetes kubernetes;
  private final StaticTokens token;

  StartupBanner(
      AegisKafkaBootstrap kafka,
      AegisDatabaseBootstrap database,
      AegisKubernetes kubernetes,
      StaticTokens token) {
    this.kafka = kafka;
    this.database = database;
    this.kubernetes = kubernetes;
    this.token = token;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    String web =
        event.getApplicationContext() instanceof WebServerApplicationContext w
                && w.getWebServer() != null
            ? "http://127.0.0.1:" + w.getWebServer().getPort()
            : "(no web server)";
    log.info(
        """

        ─── Aegis is ready ───────────────────────────────────────────────
          dashboard        {}/
          REST API         {}/api/v1/experiments
          Kafka bootstrap  {} ({})
          Kubernetes API   {} ({})
          kubectl          {}
          PostgreSQL       {} ({})
          API token        {}
        ──────────────────────────────────────────────────────────────────""",
        web,
        web,
        kafka.bootstrapServers(),
        kafka.isEmbedded() ? "in-process" : "external",
        kubernetes.masterUrl(),
        kubernetes.isEmbedded() ? "in-process" : "external",
        kubernetes
            .kubeconfig()
            .map(k -> "export KUBECONFIG=" + k)
            .orElse("your own kubeconfig's cluster"),
        database.connection().redactedJdbcUrl(),
        database.isEmbedded() ? "embedded" : "external",
        token.authenticationOff()
            ? "none needed from this machine (aegis.api.auth=none)"
            : token.devToken() != null
                ? token.devToken()
                    + " (dev token, made at start, accepted from this machine "
                    + "only: export AEGIS_TOKEN="
                    + token.devToken()
                    + " for the CLI)"
                : token.bootstrapConfigured()
                    ? "bootstrap admin token from AEGIS_API_TOKEN"
                    : "JWT bearer tokens and API tokens");
  }
}
