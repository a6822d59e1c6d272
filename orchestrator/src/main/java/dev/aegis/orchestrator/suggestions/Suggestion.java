package dev.aegis.orchestrator.suggestions;

import java.util.Map;

/**
 * An experiment worth running, with the facts that led to it.
 *
 * @param kind a stable identifier of the rule (see {@link SuggestionService})
 * @param title one line for a list
 * @param detail what to try and why, in plain terms
 * @param evidence the figures the rule looked at
 */
public record Suggestion(
    String kind,
    String service,
    String title,
    String detail,
    Map<String, Object> evidence,
    String namespace) {}
