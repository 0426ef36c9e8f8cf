package dev.tasklane.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the load test's clients did, for the report and the final check: every acknowledgement's
 * latency, every task id acknowledged and every idempotency key sent, per session.
 */
final class LoadTally {
  final ConcurrentLinkedQueue<Long> ackNanos = new ConcurrentLinkedQueue<>();
  final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
  final Map<String, Set<String>> keysSent = new ConcurrentHashMap<>();
  /** Creates sent again with the same key after the connection broke. */
  final AtomicLong resent = new AtomicLong();
  /** Connections dropped on purpose (churn) or by the server (slow readers). */
  final AtomicLong churned = new AtomicLong();
  final AtomicLong slowDropped = new AtomicLong();
  final AtomicLong refused = new AtomicLong();

  void sent(String session, String key) {
    keysSent.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(key);
  }

  void acknowledged(String session, String taskId, long nanos) {
    acknowledged.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(taskId);
    if (nanos >= 0) ackNanos.add(nanos);
  }

  long[] ackSamples() {
    return ackNanos.stream().mapToLong(Long::longValue).toArray();
  }
}
