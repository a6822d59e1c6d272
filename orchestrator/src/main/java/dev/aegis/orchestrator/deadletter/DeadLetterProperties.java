package dev.aegis.orchestrator.deadletter;

import dev.aegis.events.Topics;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Dead-letter settings.
 *
 * @param replayTopics the only topics replay may write to (a dead letter goes back to the topic it
 *     came from, and is refused when that topic is not listed); default the three input topics
 */
@ConfigurationProperties("aegis.dead-letters")
public record DeadLetterProperties(
    @DefaultValue({Topics.HEALTH, Topics.EXPERIMENTS, Topics.CHAOS}) List<String> replayTopics) {

  public DeadLetterProperties {
    replayTopics =
        replayTopics == null ? List.of() : replayTopics.stream().map(String::strip).toList();
    if (replayTopics.contains(Topics.DLQ)) {
      throw new IllegalArgumentException(
          "aegis.dead-letters.replay-topics must not contain "
              + Topics.DLQ
              + ": a replay there would be recorded as a new dead letter");
    }
  }
}
