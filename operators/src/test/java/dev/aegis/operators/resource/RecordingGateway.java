package dev.aegis.operators.resource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the orchestrator (not for Kubernetes): records every call, keeps the first answer
 * per idempotency key as the contract says, and lets a test move an experiment's phase or make
 * calls fail. A refusal creates nothing, so it is not remembered under the key.
 */
final class RecordingGateway implements ExperimentGateway {

  record Submission(String json, String idempotencyKey, String actor) {}

  record Abort(String experimentId, String actor, String reason) {}

  final List<Submission> submissions = new CopyOnWriteArrayList<>();
  final List<Abort> aborts = new CopyOnWriteArrayList<>();
  final AtomicInteger statusCalls = new AtomicInteger();
  private final Map<String, String> idsByKey = new ConcurrentHashMap<>();
  private final Map<String, ExperimentStatusView> views = new ConcurrentHashMap<>();
  private final AtomicInteger callsToFail = new AtomicInteger();
  private volatile String refusal;

  @Override
  public SubmitAnswer submit(
      String resourceNamespace, String submissionJson, String idempotencyKey, String actor) {
    failIfAsked();
    submissions.add(new Submission(submissionJson, idempotencyKey, actor));
    if (refusal != null) {
      return new SubmitAnswer.Refused(refusal);
    }
    String id = idsByKey.computeIfAbsent(idempotencyKey, key -> "exp-" + (views.size() + 1));
    views.putIfAbsent(id, view(id, "SUBMITTED", 0, 0, "submitted", false, null));
    return new SubmitAnswer.Accepted(id);
  }

  @Override
  public void abort(String experimentId, String actor, String reason) {
    failIfAsked();
    aborts.add(new Abort(experimentId, actor, reason));
    views.computeIfPresent(
        experimentId,
        (id, v) -> v.terminal() ? v : view(id, "ABORTED", v.step(), 0, reason, false, null));
  }

  @Override
  public Optional<ExperimentStatusView> status(String experimentId) {
    statusCalls.incrementAndGet();
    failIfAsked();
    return Optional.ofNullable(views.get(experimentId));
  }

  /** Refuses every submission from now on with {@code reason}; {@code null} accepts again. */
  void refuseWith(String reason) {
    refusal = reason;
  }

  /** The orchestrator moves the experiment on. */
  void move(
      String experimentId,
      String phase,
      int step,
      int weight,
      boolean actuationPending,
      String rcaId) {
    views.put(
        experimentId,
        view(
            experimentId,
            phase,
            step,
            weight,
            phase.toLowerCase() + " at step " + step,
            actuationPending,
            rcaId));
  }

  /** The next {@code calls} calls, of any method, throw as an unreachable orchestrator would. */
  void failNext(int calls) {
    callsToFail.set(calls);
  }

  private void failIfAsked() {
    if (callsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("orchestrator unavailable (test)");
    }
  }

  private static ExperimentStatusView view(
      String id,
      String phase,
      int step,
      int weight,
      String message,
      boolean actuationPending,
      String rcaId) {
    return new ExperimentStatusView(
        id, phase, step, weight, message, actuationPending, rcaId, Instant.EPOCH);
  }
}
