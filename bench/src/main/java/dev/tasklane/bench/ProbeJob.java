package dev.tasklane.bench;

/**
 * The no-op job as JobRunr stores it: a call to a public static method with the task's number,
 * which JobRunr serialises and later invokes on a worker.
 */
public final class ProbeJob {
  private ProbeJob() {}

  public static void run(long seq) throws InterruptedException {
    Probe.current().started(seq);
  }
}
