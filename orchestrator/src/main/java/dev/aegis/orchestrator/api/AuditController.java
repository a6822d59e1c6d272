package dev.aegis.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.security.Access;
import java.time.Instant;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Who asked Aegis to do what, newest first. */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

  record AuditView(
      long id, Instant at, String actor, String action, String target, JsonNode detail) {}

  private final Transactions transactions;
  private final AuditRepository audit;
  private final Access access;

  AuditController(Transactions transactions, AuditRepository audit, Access access) {
    this.access = access;
    this.transactions = transactions;
    this.audit = audit;
  }

  @GetMapping
  List<AuditView> list(
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant since,
      @RequestParam(defaultValue = "100") int limit) {
    access.requireAllNamespaces("the audit log");
    return transactions
        .withHandle(h -> audit.list(h, since, Math.min(Math.max(limit, 1), 1000)))
        .stream()
        .map(
            e ->
                new AuditView(
                    e.id(),
                    e.at(),
                    e.actor(),
                    e.action(),
                    e.target(),
                    StateJson.read(e.detailJson(), JsonNode.class)))
        .toList();
  }
}
