package dev.tasklane.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tasklane.chat.access.AccessPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any tokens file: it loads, or fails with an error naming what is wrong ({@link
 * IllegalArgumentException}, or an {@link IOException} for a file that is not text), never with
 * another exception. Seeds: {@code TokensFileFuzzTestInputs/}; docs/TESTING.md says how to fuzz for
 * longer.
 */
class TokensFileFuzzTest {
  @FuzzTest(maxDuration = "5m")
  void tokensFile(byte[] content) throws IOException {
    Path file = Files.createTempFile("tokens", "");
    try {
      Files.write(file, content);
      TokenRegistry tokens = new TokenRegistry().load(file, AccessPolicy.fromTree(null, file.getParent(), "none"));
      assertThat(tokens.size()).isNotNegative();
    } catch (IllegalArgumentException | IOException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    } finally {
      Files.delete(file);
    }
  }
}
