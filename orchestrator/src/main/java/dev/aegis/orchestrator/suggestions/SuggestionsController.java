package dev.aegis.orchestrator.suggestions;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/suggestions}: experiments worth running next, each with the figures behind it. */
@RestController
@RequestMapping("/api/v1/suggestions")
class SuggestionsController {

  private final SuggestionService suggestions;

  SuggestionsController(SuggestionService suggestions) {
    this.suggestions = suggestions;
  }

  @GetMapping
  List<Suggestion> list() {
    return suggestions.suggestions();
  }
}
