package dev.tasklane.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** JSON written on short-lived virtual threads reuses the buffers of those before them. */
class JsonTest {
  @Test
  void virtualThreadsOneAfterAnotherWriteJsonWithTheSameBuffers() throws Exception {
    RecyclerPool<BufferRecycler> pool = Json.MAPPER.getFactory()._getRecyclerPool();
    Callable<BufferRecycler> write = () -> {
      assertThat(Json.write(Map.of("seq", 1))).isEqualTo("{\"seq\":1}");
      BufferRecycler r = pool.acquireAndLinkPooled();
      r.releaseToPool();
      return r;
    };
    // The pool is shared by the whole JVM: a thread left over from another test may take the buffers
    // in between now and then, so one reuse in a few tries is the proof. Per-thread buffers (the
    // default) would be new ones every time.
    boolean reused = false;
    try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 20 && !reused; i++) {
        BufferRecycler first = each.submit(write).get();
        reused = each.submit(write).get() == first; // another virtual thread
      }
    }
    assertThat(reused).as("a virtual thread reused the buffers of the one before it").isTrue();
  }
}
