package dev.aegis.orchestrator.backtest;

import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.security.Access;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/backtests}: what a policy would have decided over a service's recorded health
 * windows, run by run, next to what Aegis actually decided. Answered at once (replays are fast); a
 * bad request is a problem naming the field.
 */
@RestController
@RequestMapping("/api/v1/backtests")
class BacktestController {

  private final BacktestService backtests;
  private final Access access;
  private final Transactions transactions;
  private final ServiceRepository services;

  BacktestController(
      BacktestService backtests,
      Access access,
      Transactions transactions,
      ServiceRepository services) {
    this.access = access;
    this.transactions = transactions;
    this.services = services;
    this.backtests = backtests;
  }

  @PostMapping
  ResponseEntity<BacktestService.Report> run(@RequestBody BacktestService.Request request) {
    if (request != null && request.service() != null) {
      transactions
          .withHandle(h -> services.resolve(h, request.namespace(), request.service()))
          .ifPresent(s -> access.requireNamespace(s.namespace()));
    }
    return ResponseEntity.ok(backtests.run(request));
  }
}
