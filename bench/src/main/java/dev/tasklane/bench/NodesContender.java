package dev.tasklane.bench;

import java.util.List;

/**
 * Several instances of one contender on one PostgreSQL schema, as separate nodes sharing a database
 * would run (here in one JVM, each with connections of its own): submits go to the nodes in turn,
 * a preload is split between them, and any node counts the completed tasks of all.
 */
final class NodesContender implements Contender {
  private final List<? extends Contender> nodes;

  NodesContender(List<? extends Contender> nodes) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("no nodes");
    this.nodes = List.copyOf(nodes);
  }

  @Override
  public String name() {
    return nodes.getFirst().name();
  }

  @Override
  public String settings() {
    return nodes.size() + (nodes.size() == 1 ? " node" : " nodes") + " on one schema, each " + nodes.getFirst().settings();
  }

  @Override
  public void submit(long seq) throws Exception {
    nodes.get((int) (seq % nodes.size())).submit(seq);
  }

  @Override
  public void preload(long from, int count) throws Exception {
    int each = count / nodes.size();
    for (int i = 0; i < nodes.size(); i++) {
      int n = i == nodes.size() - 1 ? count - each * i : each;
      nodes.get(i).preload(from + (long) each * i, n);
    }
  }

  @Override
  public long completed() throws Exception {
    return nodes.getFirst().completed();
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (Contender c : nodes) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }
}
