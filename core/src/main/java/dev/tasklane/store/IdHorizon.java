package dev.tasklane.store;

/**
 * How far the ids of a table's rows are final, for readers that follow the table by id (event and
 * transcript cursors). Where rows become visible in the order of their ids (one writer), every id
 * is; where several transactions take ids and commit in another order, a row with a lower id may
 * still appear after a higher one is visible, and a reader hands on only rows at or below
 * {@link #settled}, so its cursor never passes a row that may still appear.
 */
public interface IdHorizon {
  /** Every id is final as soon as its row is visible. */
  IdHorizon IN_ORDER = new IdHorizon() {
    @Override
    public long settled() {
      return Long.MAX_VALUE;
    }

    @Override
    public long settledNow() {
      return Long.MAX_VALUE;
    }

    @Override
    public void settledThrough(long id) {}
  };

  /**
   * An id at or below which every row of the table is final: committed and visible to any read
   * that starts after this returns, or never to appear (its transaction rolled back). It never goes
   * down. Waits a moment for the transactions in flight when called, so that it covers every row
   * committed before the call (a reader sees its own writes); a transaction that stays open longer
   * holds it back, and the rows after it are read later.
   */
  long settled();

  /** Like {@link #settled}, without waiting: what is final now (for readers that look again soon). */
  long settledNow();

  /**
   * Tells the horizon that every id up to {@code id} is final, known without asking the database
   * (a writer committed ids that follow settled ones without a gap).
   */
  void settledThrough(long id);
}
