package dev.tasklane.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Query parameters as the HTTP routes read them. */
class ParamsTest {
  /**
   * Found by fuzzing {@code GET /v1/tasks}: a repeated parameter whose name was empty (or began with
   * {@code /}) was read as a JSON Pointer, and {@code ?=a&=b} answered 500 {@code internal}.
   */
  @Test
  void aRepeatedParameterIsAListUnderItsOwnNameWhateverTheName() {
    Map<String, List<String>> query = new LinkedHashMap<>();
    query.put("", List.of("a", "b"));
    query.put("/state", List.of("queued", "running"));
    query.put("state", List.of("queued", "completed"));
    Params p = Params.fromQuery(query);
    assertThat(p.strings("")).containsExactly("a", "b");
    assertThat(p.strings("/state")).containsExactly("queued", "running");
    assertThat(p.strings("state")).containsExactly("queued", "completed");
  }
}
