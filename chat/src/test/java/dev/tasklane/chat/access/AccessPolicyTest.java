package dev.tasklane.chat.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.store.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessPolicyTest {
  @TempDir Path data;

  private AccessPolicy read(String json) {
    return AccessPolicy.fromTree(Json.tree(json), data, "data/tasklane.json");
  }

  @Test
  void withoutASectionEveryoneIsAUserAndFoldersStayInTheWorkFolder() {
    AccessPolicy p = AccessPolicy.fromTree(null, data, "none");
    Grants g = p.chatUser("telegram", "12345");
    assertThat(g.role()).isEqualTo("user");
    assertThat(g.mayUseProfile("anything")).isTrue();
    assertThat(g.mayRun()).isFalse();
    assertThat(g.maySubmit("exec")).isFalse();
    assertThat(g.mayChooseExecOptions()).isFalse();
    assertThat(g.folders()).containsExactly(data.resolve("work").toAbsolutePath());
    assertThat(p.token("alice", null).role()).isEqualTo("user");
    assertThat(p.token("root", "admin").admin()).isTrue();
  }

  @Test
  void rolesAreDefinedAndAssignedToTokensAndChatUsers() {
    AccessPolicy p = read("""
        {"access": {
          "roles": {"operator": {"run": true, "kinds": ["exec"], "execOptions": true, "folders": ["repos", "/srv"]},
                    "user": {"profiles": ["assistant"]}},
          "tokens": {"ci": "operator"},
          "users": {"telegram:12345": "admin", "telegram:7": "operator"},
          "defaultRole": "guest"
        }}""");
    Grants ci = p.token("ci", null);
    assertThat(ci.role()).isEqualTo("operator");
    assertThat(ci.mayRun()).isTrue();
    assertThat(ci.maySubmit("exec")).isTrue();
    assertThat(ci.maySubmit("llm")).isFalse();
    assertThat(ci.mayUseProfile("claude")).isTrue(); // profiles default to every configured one
    assertThat(ci.folders()).containsExactly(data.resolve("repos").toAbsolutePath(), Path.of("/srv"));
    assertThat(p.chatUser("telegram", "12345").admin()).isTrue();
    assertThat(p.chatUser("telegram", "7").role()).isEqualTo("operator");
    assertThat(p.chatUser("telegram", "8").role()).isEqualTo("guest");
    assertThat(p.chatUser("telegram", null).role()).isEqualTo("guest");
    assertThat(p.token("someone", null).role()).isEqualTo("guest");
    assertThat(p.role("user").orElseThrow().mayUseProfile("claude")).isFalse();
    assertThat(p.token("ops", "user").mayUseProfile("assistant")).isTrue();
  }

  @Test
  void mistakesNameTheFileAndTheSetting() {
    assertThatThrownBy(() -> read("{\"access\": {\"roles\": {\"admin\": {}}}}"))
        .hasMessage("data/tasklane.json: access.roles.admin cannot be redefined: admin has every grant");
    assertThatThrownBy(() -> read("{\"access\": {\"roles\": {\"ops\": {\"runs\": true}}}}"))
        .hasMessage("data/tasklane.json: access.roles.ops.runs is not a setting; known: execOptions, folders, kinds,"
            + " profiles, run");
    assertThatThrownBy(() -> read("{\"access\": {\"roles\": {\"ops\": {\"run\": \"yes\"}}}}"))
        .hasMessage("data/tasklane.json: access.roles.ops.run must be true or false");
    assertThatThrownBy(() -> read("{\"access\": {\"roles\": {\"ops\": {\"kinds\": \"exec\"}}}}"))
        .hasMessage("data/tasklane.json: access.roles.ops.kinds must be an array of strings");
    assertThatThrownBy(() -> read("{\"access\": {\"users\": {\"telegram:1\": \"root\"}}}"))
        .hasMessage("data/tasklane.json: access.users.telegram:1 names the role 'root', which is not defined;"
            + " roles: admin, user, guest");
    assertThatThrownBy(() -> read("{\"access\": {\"users\": {\"12345\": \"admin\"}}}"))
        .hasMessageContaining("access.users.12345 must name a chat user as channel:id, e.g. telegram:12345");
    assertThatThrownBy(() -> read("{\"access\": {\"defaultRole\": \"root\"}}"))
        .hasMessageContaining("access.defaultRole names the role 'root', which is not defined");
    assertThatThrownBy(() -> read("{\"access\": {\"token\": {}}}"))
        .hasMessageContaining("access.token is not a setting; known: defaultRole, roles, tokens, users");
  }

  @Test
  void aTokenWithTwoDifferentRolesOrAnUnknownOneIsRefused() {
    AccessPolicy p = read("{\"access\": {\"tokens\": {\"ci\": \"guest\"}}}");
    assertThat(p.token("ci", "guest").role()).isEqualTo("guest");
    assertThatThrownBy(() -> p.token("ci", "admin"))
        .hasMessage("token 'ci' has the role 'admin' in the tokens file but 'guest' in access.tokens;"
            + " give it one role");
    assertThatThrownBy(() -> p.token("x", "root"))
        .hasMessage("token 'x' has the role 'root', which is not defined; roles: admin, user, guest");
  }
}
