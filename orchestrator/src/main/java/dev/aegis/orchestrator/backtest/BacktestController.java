package dev.aegis.orchestrator.backtest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/backtests}: what a policy would have decided over a service's recorded health
 * windows, run by run, next to what Aegis actually decided. Answered at once (replays are fast); a bad
 * request is a problem naming the field.
 */
@RestController
@RequestMapping("/api/v1/backtests")
class BacktestController {

  private final BacktestService backtests;

  BacktestController(BacktestService backtests) {
    this.backtests = backtests;
  }

  @PostMapping
  ResponseEntity<BacktestService.Report> run(@RequestBody BacktestService.Request request) {
    return ResponseEntity.ok(backtests.run(request));
  }
}
