package dev.tasklane.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.chat.access.AccessPolicy;
import dev.tasklane.store.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenRegistryTest {
  @TempDir Path dir;

  private TokenRegistry load(String lines, String config) throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), lines);
    AccessPolicy access = AccessPolicy.fromTree(config == null ? null : Json.tree(config), dir, "tasklane.json");
    return new TokenRegistry().load(file, access);
  }

  @Test
  void aLineMayNameTheTokensRoleElseTheConfigurationOrTheDefaultGivesIt() throws Exception {
    TokenRegistry tokens = load("""
        # name secret prefixes [role]
        alice  a-secret  web:alice
        ci     c-secret  web:ci,telegram:  operator
        root   r-secret  *  admin
        viewer v-secret  *
        """, "{\"access\": {\"roles\": {\"operator\": {\"run\": true}}, \"tokens\": {\"alice\": \"guest\"}}}");

    assertThat(tokens.find("a-secret").orElseThrow().grants().role()).isEqualTo("guest");
    AccessToken ci = tokens.find("c-secret").orElseThrow();
    assertThat(ci.grants().mayRun()).isTrue();
    assertThat(ci.prefixes()).containsExactly("web:ci", "telegram:");
    assertThat(tokens.find("r-secret").orElseThrow().grants().admin()).isTrue();
    // "*" covers every session but grants nothing beyond the default role
    AccessToken viewer = tokens.find("v-secret").orElseThrow();
    assertThat(viewer.allSessions()).isTrue();
    assertThat(viewer.grants().role()).isEqualTo("user");
    assertThat(tokens.grantsOf("ci").orElseThrow().role()).isEqualTo("operator");
    assertThat(tokens.grantsOf("nobody")).isEmpty();
  }

  @Test
  void mistakesNameTheLineButNeverTheSecret() {
    assertThatThrownBy(() -> load("alice a-secret web:alice root\n", null))
        .hasMessage(dir.resolve("tokens") + " line 1: token 'alice' has the role 'root', which is not defined;"
            + " roles: admin, user, guest")
        .hasMessageNotContaining("a-secret");
    assertThatThrownBy(() -> load("\nalice a-secret web:alice user extra\n", null))
        .hasMessage(dir.resolve("tokens") + " line 2: expected 'name secret prefix[,prefix...] [role]'");
    assertThatThrownBy(() -> load("alice a-secret web:alice\nalice b-secret web:bob\n", null))
        .hasMessage(dir.resolve("tokens") + " line 2: two tokens are named 'alice'")
        .hasMessageNotContaining("b-secret");
  }
}
