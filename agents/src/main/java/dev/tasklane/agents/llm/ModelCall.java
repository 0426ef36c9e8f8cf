package dev.tasklane.agents.llm;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.tasklane.core.TaskFailure;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** One streamed model call: text arrives piece by piece; the whole call is bounded by a timeout. */
final class ModelCall {
  private ModelCall() {}

  /**
   * Sends {@code request} and returns the model's message; {@code onText} gets the streamed text.
   * An interrupt (cancel) stops the call and is rethrown; every other problem is a {@link TaskFailure}.
   */
  static AiMessage stream(StreamingChatModel model, ChatRequest request, Duration timeout, String baseUrl,
      Consumer<String> onText) throws TaskFailure, InterruptedException {
    try {
      ChatResponse response = Bounded.call("llm-call", timeout, () -> {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(request, new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String text) {
            onText.accept(text);
          }

          @Override
          public void onCompleteResponse(ChatResponse r) {
            done.complete(r);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
        return done.get(); // the client streams on this thread; the future is done when chat returns
      });
      if (response == null || response.aiMessage() == null) {
        throw TaskFailure.permanent(ModelErrors.BAD_RESPONSE, "the model's server at " + baseUrl + " sent no message");
      }
      return response.aiMessage();
    } catch (TimeoutException e) {
      throw ModelErrors.timeout(baseUrl, timeout);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof ExecutionException inner ? inner.getCause() : e.getCause();
      throw ModelErrors.toFailure(cause, baseUrl);
    }
  }
}
