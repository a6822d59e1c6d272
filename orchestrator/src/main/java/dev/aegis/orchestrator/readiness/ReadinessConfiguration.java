package dev.aegis.orchestrator.readiness;

import dev.aegis.orchestrator.persistence.DatabaseProbe;
import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaClients;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Readiness ({@code /actuator/health/readiness}) covers the three servers Aegis cannot work
 * without, each answering within {@code aegis.readiness.timeout} (default 2 s): PostgreSQL ({@code
 * database}), Kafka ({@code kafka}) and the Kubernetes API ({@code kubernetes}, in {@code
 * kubernetes.KubernetesReadiness}). Liveness covers none of them: a server outage takes Aegis out
 * of the load balancer, it does not restart it.
 */
@Configuration
class ReadinessConfiguration {

  @Bean(destroyMethod = "close")
  TimedCheck databaseHealthIndicator(
      DataSource dataSource, @Value("${aegis.readiness.timeout:2s}") Duration timeout) {
    DatabaseProbe probe = new DatabaseProbe(dataSource);
    return new TimedCheck("database", timeout) {
      @Override
      protected String check() throws Exception {
        return probe.ping(timeout);
      }
    };
  }

  @Bean(destroyMethod = "close")
  TimedCheck kafkaHealthIndicator(
      AegisKafkaClients clients, @Value("${aegis.readiness.timeout:2s}") Duration timeout) {
    return new TimedCheck("kafka", timeout) {
      private Admin admin;

      @Override
      protected synchronized String check() throws Exception {
        if (admin == null) {
          admin = clients.createAdmin();
        }
        int nodes =
            admin
                .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                .nodes()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .size();
        return nodes + " broker(s)";
      }

      @Override
      public void close() {
        super.close();
        if (admin != null) {
          admin.close(Duration.ofSeconds(1));
        }
      }
    };
  }
}
