package dev.tasklane.gateway;

import static dev.tasklane.gateway.TestGateway.ADMIN;
import static dev.tasklane.gateway.TestGateway.ALICE;
import static dev.tasklane.gateway.TestGateway.CAROL;
import static dev.tasklane.gateway.WsProtocolTest.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.chat.access.Grants;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.auth.AccessToken;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants on the wire: a token submits directly only the kinds its role grants, chooses a folder or
 * environment only when granted, and uses {@code /run} only when granted; every refusal is a
 * {@code forbidden} that says what is missing and creates no task.
 */
class PermissionsTest {
  static final String DAVE = "dave-secret";

  @TempDir Path dir;
  TestGateway gw;
  Path work;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), ChatConfig.defaults());
    work = Files.createDirectories(dir.resolve("data/work/web_dave"));
    Grants operator = new Grants("operator", false, Set.of("echo"), true, Set.of(Grants.ALL), true,
        List.of(dir.resolve("data/work")));
    gw.tokens.add(DAVE, new AccessToken("dave", List.of("web:dave"), operator));
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  private static ObjectNode task(String session, String kind, String inputJson) {
    ObjectNode p = params().put("sessionKey", session).put("kind", kind);
    p.set("input", Json.parse(inputJson));
    return p;
  }

  private static String post(TestGateway gw, String token, ObjectNode body) throws Exception {
    HttpResponse<String> r = gw.post("/v1/tasks", token, Json.write(body));
    return r.statusCode() + " " + TestGateway.json(r).path("code").asText() + " "
        + TestGateway.json(r).path("message").asText();
  }

  @Test
  void aUserTokenCannotSubmitAnyKindDirectly() throws Exception {
    ObjectNode exec = task("web:carol", "exec", "{\"shell\": \"echo $TASKLANE_TOKEN; cat data/tokens\"}");

    assertThat(post(gw, CAROL, exec)).isEqualTo("403 forbidden Submitting tasks of kind 'exec' directly is not"
        + " granted to the role 'user'. An admin grants it with a role that has \"kinds\": [\"exec\"] (\"access\" in"
        + " tasklane.json; see docs/SECURITY.md).");
    try (WsClient carol = gw.ws(CAROL)) {
      assertThat(carol.errorCode("task.create", exec)).isEqualTo("forbidden");
      assertThat(carol.errorCode("task.create", task("web:carol", "echo", "{}"))).isEqualTo("forbidden");
    }
    assertThat(gw.lane.list(TaskQuery.all()).items()).isEmpty();
  }

  @Test
  void aGrantedKindIsAcceptedButNotAFolderOrEnvironmentOfTheCallersChoosing() throws Exception {
    try (WsClient alice = gw.ws(ALICE)) {
      assertThat(alice.result("task.create", task("web:alice", "echo", "{\"text\": \"hi\"}")).get("state").asText())
          .isIn("queued", "running", "completed");
      assertThat(post(gw, ALICE, task("web:alice", "echo", "{\"cwd\": \"/\"}")))
          .startsWith("403 forbidden Choosing \"cwd\", \"workdir\" or \"env\" is not granted to the role 'tester'.")
          .contains("\"execOptions\": true");
      assertThat(post(gw, ALICE, task("web:alice", "echo", "{\"env\": {\"LD_PRELOAD\": \"/tmp/x.so\"}}")))
          .startsWith("403 forbidden Choosing \"cwd\"");
      assertThat(post(gw, ALICE, task("web:alice", "echo", "{\"workdir\": \"/etc\"}"))).startsWith("403 forbidden");
      assertThat(gw.lane.list(TaskQuery.all()).items()).hasSize(1);
    }
  }

  @Test
  void aGrantedFolderMustLieInTheRolesFolders() throws Exception {
    assertThat(post(gw, DAVE, task("web:dave", "echo", "{\"cwd\": \"" + work + "\", \"env\": {\"A\": \"1\"}}")))
        .startsWith("201");
    assertThat(post(gw, DAVE, task("web:dave", "echo", "{\"cwd\": \"" + dir + "\"}")))
        .startsWith("403 forbidden The folder " + dir.toRealPath() + " (input.cwd) is not granted");
    assertThat(post(gw, DAVE, task("web:dave", "echo", "{\"cwd\": \"" + work + "/../../..\"}")))
        .startsWith("403 forbidden The folder " + dir.toRealPath());
    Path link = Files.createSymbolicLink(work.resolve("escape"), Path.of("/"));
    assertThat(post(gw, DAVE, task("web:dave", "echo", "{\"cwd\": \"" + link + "\"}")))
        .startsWith("403 forbidden The folder / (input.cwd)");
    assertThat(post(gw, DAVE, task("web:dave", "echo", "{\"cwd\": \"data/work\"}")))
        .isEqualTo("400 bad_request input.cwd must be an absolute path");
    // the admin may name any folder
    assertThat(post(gw, ADMIN, task("web:dave", "echo", "{\"cwd\": \"/\"}"))).startsWith("201");
  }

  @Test
  void aCommandOfOnesOwnCannotBorrowAnAgentProfile() throws Exception {
    gw.tokens.add("eve-secret", new AccessToken("eve", List.of("web:eve"),
        new Grants("runner", false, Set.of("exec", "echo"), false, Set.of("assistant"), false, List.of())));
    assertThat(post(gw, "eve-secret", task("web:eve", "exec", "{\"profile\": \"claude\", \"command\": [\"env\"]}")))
        .startsWith("403 forbidden The agent 'claude' is not granted to the role 'runner'.");
    assertThat(post(gw, "eve-secret", task("web:eve", "exec", "{\"profile\": \"assistant\", \"shell\": \"env\"}")))
        .startsWith("403 forbidden A task submitted directly cannot give its own \"command\" or \"shell\" together"
            + " with an agent \"profile\"");
    assertThat(post(gw, "eve-secret", task("web:eve", "echo", "{\"profile\": \"assistant\", \"grantedProfiles\":"
        + " [\"claude\"]}"))).startsWith("201");
    // What the task may start on eve's behalf is what eve's role grants, whatever the input said.
    assertThat(gw.lane.list(TaskQuery.session("web:eve")).items().getFirst().input().get("grantedProfiles")
        .toString()).isEqualTo("[\"assistant\"]");
  }

  @Test
  void aWebChatScopeCoversItsOwnSubChatsButNoLongerName() {
    try (WsClient carol = gw.ws(CAROL)) {
      assertThat(carol.result("chat.history", params().put("chatId", "carol:work")).get("sessionKey").asText())
          .isEqualTo("web:carol:work");
      assertThat(carol.errorCode("chat.history", params().put("chatId", "carol2"))).isEqualTo("forbidden");
      assertThat(carol.errorCode("chat.send", params().put("chatId", "carol2").put("text", "hi")))
          .isEqualTo("forbidden");
    }
  }

  @Test
  void runThroughTheWebChatNeedsTheGrant() {
    try (WsClient carol = gw.ws(CAROL); WsClient dave = gw.ws(DAVE)) {
      JsonNode refused = carol.result("chat.send", params().put("text", "/run echo $TASKLANE_TOKEN"));
      assertThat(refused.get("taskId").isNull()).isTrue();
      assertThat(refused.at("/answer/text").asText()).startsWith("/run is not granted to the role 'user'.")
          .endsWith("(forbidden)");
      assertThat(gw.lane.list(TaskQuery.all()).items()).isEmpty();

      // The test lane has no exec handler: a granted /run gets past the grant and says so.
      JsonNode granted = dave.result("chat.send", params().put("text", "/run ls"));
      assertThat(granted.at("/answer/text").asText()).startsWith("/run needs the 'exec' handler");
    }
  }
}
