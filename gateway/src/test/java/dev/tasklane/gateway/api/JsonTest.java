package dev.tasklane.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import org.junit.jupiter.api.Test;

/** Requests as the gateway parses them. */
class JsonTest {
  /**
   * Found by fuzzing {@code /ws}: a request id {@code "\ud83d]"} came back as {@code "?]"}, since an
   * unpaired surrogate has no UTF-8 encoding; a client could not match the answer, and the same
   * would have turned a stored key or session into another one.
   */
  @Test
  void anUnpairedSurrogateEscapeIsABadRequestRatherThanAStringThatComesBackChanged() {
    for (String json : new String[] {"{\"id\":\"\\ud83d]\"}", "{\"id\":\"x\\ude00\"}", "[\"\\ud83d\"]",
        "{\"params\":{\"k\\udbff\":1}}", "\"\\ud800\\ud800\""}) {
      assertThatThrownBy(() -> Json.parse(json)).as(json)
          .isInstanceOfSatisfying(LaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
          .hasMessageContaining("surrogate");
    }
    assertThat(Json.parse("{\"id\":\"\\ud83d\\ude00\"}").get("id").asText()).isEqualTo("\uD83D\uDE00");
    assertThat(Json.parse("{\"id\":\"😀 é\"}").get("id").asText()).isEqualTo("😀 é");
  }
}
