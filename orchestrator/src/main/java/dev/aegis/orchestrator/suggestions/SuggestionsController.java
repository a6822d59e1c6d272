package dev.aegis.orchestrator.suggestions;

import dev.aegis.orchestrator.security.Access;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/suggestions}: experiments worth running next, each with the figures behind it.
 */
@RestController
@RequestMapping("/api/v1/suggestions")
class SuggestionsController {

  private final SuggestionService suggestions;
  private final Access access;

  SuggestionsController(SuggestionService suggestions, Access access) {
    this.access = access;
    this.suggestions = suggestions;
  }

  @GetMapping
  List<Suggestion> list() {
    access.requireAllNamespaces("suggestions");
    return suggestions.suggestions();
  }
}
