package dev.tasklane.agents;

import dev.tasklane.agents.exec.Environments;
import dev.tasklane.agents.exec.ExecHandler;
import dev.tasklane.agents.exec.ExecOptions;
import dev.tasklane.agents.llm.ConversationSource;
import dev.tasklane.agents.llm.LlmHandler;
import dev.tasklane.agents.profile.AgentChoices;
import dev.tasklane.agents.profile.AgentsConfig;
import dev.tasklane.agents.profile.ProfileRouter;
import dev.tasklane.agents.profile.SessionFolders;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the agents module offers, wired once: the configuration, the router for free text and
 * {@code /agent}, and the handlers to register with the lane.
 *
 * <pre>{@code
 * Database db = SqliteDatabase.open(dataDir.resolve("tasklane.db"));
 * Agents agents = Agents.load(dataDir, configFile, System.getenv(), db, clock);   // fails on a bad config
 * Lane.Builder lane = Lane.builder().database(db);
 * agents.handlers(conversation).forEach(lane::handler);                          // "exec" and "llm"
 * chat.setAgentRouter(agents.router()::taskFor);
 * chat.addCommand("/agent", ProfileRouter.AGENT_COMMAND_HELP, call -> agents.router().agentCommand(
 *     call.sessionKey(), call.args(), call.grants()::mayUseProfile));
 * }</pre>
 */
public final class Agents {
  private final ProfileRouter router;
  private final Environments environments;
  private final Clock clock;

  /** @param environments what commands get of the server's environment */
  public Agents(ProfileRouter router, Environments environments, Clock clock) {
    this.router = router;
    this.environments = environments;
    this.clock = clock;
  }

  /**
   * Reads the configuration ({@code configFile}, else the data folder's {@code tasklane.json} and
   * the like, else the environment) and keeps session choices in {@code database}.
   *
   * @throws dev.tasklane.agents.profile.ConfigException when the configuration cannot be used
   */
  public static Agents load(Path dataDir, Path configFile, Map<String, String> env, Database database, Clock clock) {
    AgentsConfig config = AgentsConfig.load(dataDir, configFile, env);
    ProfileRouter router = new ProfileRouter(config, new AgentChoices(database, clock), new SessionFolders(dataDir));
    return new Agents(router, config.environments(env), clock);
  }

  public ProfileRouter router() {
    return router;
  }

  public AgentsConfig config() {
    return router.config();
  }

  /**
   * The handlers by kind: {@code exec}, and {@code llm} with the given conversation context. Their
   * commands run in the session's folder with an explicit environment (docs/SECURITY.md).
   */
  public Map<String, TaskHandler> handlers(ConversationSource conversation) {
    return handlers(conversation, null);
  }

  /** The same, handing the files sent with a task (kept in {@code attachments}) to its handler. */
  public Map<String, TaskHandler> handlers(ConversationSource conversation, AttachmentStore attachments) {
    ExecOptions options = router.config().execOptions();
    Map<String, TaskHandler> m = new LinkedHashMap<>();
    m.put(ExecHandler.KIND, new ExecHandler(options, environments, router::workdir, attachments));
    m.put(LlmHandler.KIND, new LlmHandler(router, conversation, new LlmHandler.Commands(options, environments), clock,
        attachments));
    return m;
  }
}
