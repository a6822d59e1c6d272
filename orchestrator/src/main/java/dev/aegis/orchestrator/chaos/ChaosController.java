package dev.aegis.orchestrator.chaos;

import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.application.Limits;
import dev.aegis.orchestrator.security.Access;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fault injection for chaos engineers (docs/chaos.md): inject, list, revert, and the kill switch.
 * Roles are in {@code AccessRules}; namespaces are checked here (a principal sees and reverts only
 * the faults of its namespaces; the kill switch spans every namespace).
 */
@RestController
@RequestMapping("/api/v1/chaos")
class ChaosController {

  /** The body of a revert or a kill-switch request; the reason is optional. */
  record ReasonRequest(String reason) {}

  private final ChaosService chaos;
  private final Access access;

  ChaosController(ChaosService chaos, Access access) {
    this.chaos = chaos;
    this.access = access;
  }

  @PostMapping("/faults")
  ResponseEntity<FaultView> inject(@RequestBody FaultRequest request) {
    FaultView view = chaos.inject(request, access.principal());
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/chaos/faults/" + view.faultId()))
        .body(view);
  }

  @GetMapping("/faults")
  List<FaultView> list(
      @RequestParam(defaultValue = "false") boolean live,
      @RequestParam(defaultValue = "100") int limit) {
    return chaos.list(live, access.readable(), Math.min(Math.max(limit, 1), 1000));
  }

  @GetMapping("/faults/{id}")
  FaultView get(@PathVariable String id) {
    return chaos
        .find(id)
        .filter(f -> access.mayRead(f.target().namespace()))
        .orElseThrow(() -> notFound(id));
  }

  @PostMapping("/faults/{id}/revert")
  FaultView revert(@PathVariable String id, @RequestBody(required = false) ReasonRequest body) {
    FaultView fault = get(id);
    access.requireNamespace(fault.target().namespace());
    return chaos.revert(id, access.actor(), reason(body, "reverted"));
  }

  @GetMapping("/kill-switch")
  ChaosService.KillSwitchView killSwitch() {
    return chaos.killSwitch();
  }

  @PostMapping("/kill-switch")
  ChaosService.KillSwitchView halt(@RequestBody(required = false) ReasonRequest body) {
    access.requireAllNamespaces("the kill switch");
    return chaos.halt(access.actor(), reason(body, null));
  }

  @DeleteMapping("/kill-switch")
  ChaosService.KillSwitchView rearm(@RequestBody(required = false) ReasonRequest body) {
    access.requireAllNamespaces("the kill switch");
    return chaos.rearm(access.actor(), reason(body, null));
  }

  @ExceptionHandler(ChaosRefusedException.class)
  ResponseEntity<ProblemDetail> refused(ChaosRefusedException e) {
    return ResponseEntity.status(e.status())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.of(e.status(), e.code(), title(e), e.getMessage()));
  }

  private static String title(ChaosRefusedException e) {
    return switch (e.status()) {
      case BAD_REQUEST -> "Invalid fault";
      case NOT_FOUND -> "Not found";
      case FORBIDDEN -> "Outside the blast radius";
      case UNPROCESSABLE_ENTITY -> "Fault cannot be injected";
      case TOO_MANY_REQUESTS -> "Too many faults";
      case SERVICE_UNAVAILABLE -> "Kubernetes API unavailable";
      default -> "Refused";
    };
  }

  private static String reason(ReasonRequest body, String fallback) {
    return body == null || body.reason() == null || body.reason().isBlank()
        ? fallback
        : Limits.reason(body.reason(), "reason");
  }

  private static ChaosRefusedException notFound(String id) {
    return new ChaosRefusedException(
        HttpStatus.NOT_FOUND, "not-found", "no fault has id '" + Limits.shown(id) + "'");
  }
}
