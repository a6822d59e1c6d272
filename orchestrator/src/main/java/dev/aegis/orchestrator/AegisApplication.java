package dev.aegis.orchestrator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Aegis orchestrator. With no configuration it runs standalone on in-process servers. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AegisApplication {
  public static void main(String[] args) {
    SpringApplication.run(AegisApplication.class, args);
  }
}
