package dev.tasklane.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** JSON written on short-lived virtual threads reuses the buffers of those before them. */
class JsonTest {
  @Test
  void virtualThreadsOneAfterAnotherWriteJsonWithBuffersTheyTakeFromOneSharedPool() throws Exception {
    RecyclerPool<BufferRecycler> pool = Json.MAPPER.getFactory()._getRecyclerPool();
    // Per-thread buffers (Jackson's default) are in no pool that counts them: new ones on every thread.
    assertThat(pool.pooledCount()).as("buffers held in a pool shared by all threads").isNotNegative();
    try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
      each.submit(() -> Json.write(Map.of("seq", 0))).get();
      int before = pool.pooledCount();
      for (int i = 0; i < 50; i++) {
        assertThat(each.submit(() -> Json.write(Map.of("seq", 1))).get()).isEqualTo("{\"seq\":1}");
      }
      // Each thread took buffers from the pool and gave them back: the pool did not grow by one a
      // thread (a little slack: another test's leftover thread may write at the same moment).
      assertThat(pool.pooledCount()).as("buffers pooled after 50 threads, against %d before", before)
          .isPositive().isLessThanOrEqualTo(before + 2);
    }
  }
}
