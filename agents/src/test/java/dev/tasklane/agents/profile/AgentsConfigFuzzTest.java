package dev.tasklane.agents.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration file, as anyone may write it: whatever its bytes, loading it gives a usable
 * configuration or a {@link ConfigException} naming the file, never another exception. Regression
 * mode (every test run) replays the seeds under {@code AgentsConfigFuzzTestInputs/}; docs/TESTING.md
 * says how to fuzz for longer.
 */
class AgentsConfigFuzzTest {
  private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-fuzz");

  @FuzzTest(maxDuration = "5m")
  void jsonConfig(byte[] file) {
    load("tasklane.json", file);
  }

  @FuzzTest(maxDuration = "5m")
  void yamlConfig(byte[] file) {
    load("tasklane.yaml", file);
  }

  private static void load(String name, byte[] content) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("config-fuzz");
      Files.write(dir.resolve(name), content);
      AgentsConfig config = AgentsConfig.load(dir, null, ENV);
      config.defaultProfile().ifPresent(p -> assertThat(config.profiles()).containsValue(p));
      config.profiles().forEach((n, p) -> assertThat(p.name()).isEqualTo(n));
    } catch (ConfigException e) {
      assertThat(e.getMessage()).contains(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) delete(dir, name);
    }
  }

  private static void delete(Path dir, String name) {
    try {
      Files.deleteIfExists(dir.resolve(name));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
