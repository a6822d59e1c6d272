package dev.aegis.orchestrator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The orchestrator the benchmark measures, wherever it runs: in the harness's JVM ({@link
 * LocalPipeline}) or in a JVM of its own, as a replica runs ({@link PipelineProcess}).
 */
interface Pipeline extends AutoCloseable {

  /** Records per batch ({@code aegis.processing.max-poll-records}). */
  int batch();

  /** Consumer threads ({@code aegis.processing.concurrency}). */
  int consumerThreads();

  /** A client of the Kubernetes API the orchestrator acts on, to create the stable Deployments. */
  KubernetesClient cluster();

  /**
   * Submits one experiment with steps far longer than the run for each of the first {@code count}
   * services ({@link PipelineBenchmark#service}).
   */
  void submitExperiments(int count);

  /** Submits round {@code round}'s experiment with short steps for each of {@code count} probes. */
  void submitProbes(int count, int round);

  /**
   * Holds the ingest consumers, so that the round's events wait in Kafka: pauses them, as members
   * of their group that keep their partitions, or with {@code leaveGroup} stops them, so that the
   * next {@link #run} starts them and pays their joining the group again (and any rebalance).
   */
  void holdIngest(boolean leaveGroup);

  /**
   * Resumes (or starts) the ingest consumers and waits until they have processed {@code total} more
   * health events, as round {@code round}.
   *
   * @return events per second, from the start to the last event processed
   */
  double run(long total, int round);

  /**
   * What the last {@link #run} saw on the way, in one line. It queries the database (each
   * partition's batches), so the harness asks for it after its CPU reading of the round: the query
   * would otherwise count as the pipeline's PostgreSQL time (2 µs per event at 100 experiments).
   */
  String lastRun();

  /** Bytes the ingest consumer threads have allocated since the last {@link #run} began. */
  long consumerAllocatedBytes();

  /** The process the orchestrator runs in, for its CPU time and threads. */
  long pid();

  @Override
  void close();
}
