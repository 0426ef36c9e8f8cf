package dev.tasklane.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One measurement of the run: the figures it promises (name → unit), and a body that reports them.
 * The body runs on its own thread with a hard time limit; every figure it did not report by then,
 * or before it failed, is reported as timed out or failed with the reason, and the run goes on.
 */
final class Step {
  /** Receives the figures of a step as the body measures them. */
  interface Sink {
    void put(String name, double value, String note);
  }

  @FunctionalInterface
  interface Body {
    void run(Sink sink) throws Exception;
  }

  private final String title;
  private final Map<String, String> units = new LinkedHashMap<>();
  private final Duration limit;
  private final Body body;

  private Step(String title, Duration limit, Body body) {
    this.title = title;
    this.limit = limit;
    this.body = body;
  }

  static Step of(String title, Duration limit, Body body) {
    return new Step(title, limit, body);
  }

  /** Declares a figure this step reports. */
  Step figure(String name, String unit) {
    units.put(name, unit);
    return this;
  }

  String title() {
    return title;
  }

  void runInto(Report report) {
    Map<String, Figure> got = new LinkedHashMap<>();
    Sink sink = (name, value, note) -> {
      String unit = units.get(name);
      if (unit == null) throw new IllegalArgumentException("undeclared figure " + name);
      synchronized (got) {
        got.put(name, Figure.of(name, unit, value, note));
      }
    };
    String failure = null;
    boolean timedOut = false;
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bench-" + title);
      t.setDaemon(true);
      return t;
    });
    try {
      Future<?> f = thread.submit(() -> {
        body.run(sink);
        return null;
      });
      f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      timedOut = true;
      failure = "step did not finish within " + limit.toSeconds() + " s";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      timedOut = cause instanceof TimedOut;
      failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
      if (!timedOut) {
        System.err.println("\n" + title + " failed:");
        cause.printStackTrace();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    } finally {
      thread.shutdownNow();
    }
    synchronized (got) {
      for (Map.Entry<String, String> e : units.entrySet()) {
        Figure f = got.get(e.getKey());
        if (f == null) {
          f = timedOut ? Figure.timedOut(e.getKey(), e.getValue(), failure) : Figure.failed(e.getKey(), e.getValue(),
              failure == null ? "not reported" : failure);
        }
        report.add(f);
      }
    }
  }
}
