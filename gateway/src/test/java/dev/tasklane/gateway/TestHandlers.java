package dev.tasklane.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.engine.Lane;
import java.nio.file.Files;
import dev.tasklane.core.TaskContext;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskResult;
import java.time.Duration;

/** Handlers with behaviour a test can see: echo the input, sleep with progress, fail, read attached files. */
final class TestHandlers {
  private TestHandlers() {}

  static Lane.Builder register(Lane.Builder b, AttachmentStore files) {
    return b.handler("echo", ctx -> TaskResult.of(ctx.input()))
        .handler("files", ctx -> readFiles(ctx, files))
        .handler("sleep", TestHandlers::sleep)
        .handler("fail", ctx -> {
          throw TaskFailure.permanent("boom", "it failed on purpose");
        })
        .handler("lines", ctx -> TaskResult.text(lines(ctx.input().path("count").asInt(10))))
        .handler("flaky", ctx -> {
          // As after a crash: the first attempt is lost, the next one completes.
          if (ctx.attempt() == 1) throw TaskFailure.retryAfter("lease_expired", "the worker was lost", Duration.ZERO);
          return TaskResult.text("done on attempt " + ctx.attempt());
        });
  }

  /** {@code count} numbered lines: a long result. */
  static String lines(int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= count; i++) sb.append("line ").append(i).append(" of the long result\n");
    return sb.toString();
  }

  /** The task's attached files as a handler gets them: {@code {"files": [{"name", "mediaType", "text"}]}}. */
  static TaskResult readFiles(TaskContext ctx, AttachmentStore files) throws Exception {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    var list = result.putArray("files");
    for (AttachmentStore.Named f : files.ofTask(ctx.task())) {
      list.addObject().put("name", f.name()).put("mediaType", f.attachment().mediaType())
          .put("text", Files.readString(f.file()));
    }
    return TaskResult.of(result);
  }

  /** Sleeps {@code input.millis} in 50 ms steps, reporting the fraction done; stops when cancelled. */
  static TaskResult sleep(TaskContext ctx) throws InterruptedException {
    JsonNode in = ctx.input();
    long millis = in.path("millis").asLong(1000);
    long steps = Math.max(1, millis / 50);
    for (long i = 1; i <= steps; i++) {
      ctx.checkCancelled();
      Thread.sleep(50);
      ctx.progress((double) i / steps, "step " + i + " of " + steps);
    }
    return TaskResult.text("slept " + millis + " ms");
  }
}
