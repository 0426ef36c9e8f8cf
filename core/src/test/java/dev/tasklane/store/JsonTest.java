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
    BufferRecycler first;
    BufferRecycler second;
    try (ExecutorService one = Executors.newVirtualThreadPerTaskExecutor()) {
      first = one.submit(write).get();
      second = one.submit(write).get(); // another virtual thread: per-thread buffers would be new ones
    }
    assertThat(second).isSameAs(first);
  }
}
