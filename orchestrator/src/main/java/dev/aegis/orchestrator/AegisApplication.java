package dev.aegis.orchestrator;

import dev.aegis.cli.AegisCli;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Aegis orchestrator. With no configuration it runs standalone on in-process servers. With
 * {@code cli} as its first argument it is the {@code aegis} command-line client instead, and Spring
 * does not start (see docs/cli.md).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AegisApplication {
  public static void main(String[] args) {
    if (args.length > 0 && "cli".equals(args[0])) {
      System.exit(AegisCli.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    SpringApplication.run(AegisApplication.class, args);
  }
}
