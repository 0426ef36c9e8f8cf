package dev.tasklane.chat;

import dev.tasklane.chat.Commands.Answer;
import dev.tasklane.chat.Commands.Route;
import dev.tasklane.chat.Commands.Submit;
import dev.tasklane.chat.access.Grants;
import dev.tasklane.chat.access.SenderGrants;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.SubmitRequest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may reach which agent: finds a sender's grants, and turns free text into the task of the
 * chat's agent only if the sender may use that agent's profile (docs/SECURITY.md).
 */
final class AgentAccess {
  private static final Logger log = LoggerFactory.getLogger(AgentAccess.class);
  static final String NO_AGENT = "No agent is configured here yet, so I can't act on free text. "
      + "/help lists the commands, and /run <command> runs a shell command as a task if your role allows it. "
      + "To set up an agent, see docs/AGENTS.md.";

  private volatile AgentRouter router;
  private volatile SenderGrants access = (channel, sender) -> Grants.USER;

  void setRouter(AgentRouter router) {
    this.router = router;
  }

  void setAccess(SenderGrants access) {
    this.access = access;
  }

  /** The sender's grants; a lookup that fails or finds nothing makes the sender a guest. */
  Grants grantsOf(String channel, String sender) {
    try {
      Grants g = access.of(channel, sender);
      return g != null ? g : Grants.GUEST;
    } catch (RuntimeException e) {
      log.warn("looking up the grants of a sender in {} failed; treating them as a guest", channel, e);
      return Grants.GUEST;
    }
  }

  /**
   * The agent's task for free text, if the sender may use that agent: its input carries the
   * sender's granted profiles when the role grants only some.
   */
  Route route(IncomingMessage m, Grants grants) {
    AgentRouter r = router;
    if (r == null) return new Answer(NO_AGENT);
    try {
      if (!grants.mayUseAgents()) throw grants.refusal("Talking to an agent", "\"profiles\"");
      Optional<SubmitRequest.Builder> task = r.taskFor(m.sessionKey(), m.text());
      if (task.isEmpty()) return new Answer(NO_AGENT);
      SubmitRequest.Builder b = task.get();
      String profile = b.build().input().path("profile").textValue();
      if (profile != null && !grants.mayUseProfile(profile)) {
        return new Answer("This chat uses the agent '" + profile + "', which the role '" + grants.role()
            + "' may not use. /agent lists the agents you may switch to; an admin grants this one with a role that"
            + " has \"profiles\": [\"" + profile + "\"] (see docs/SECURITY.md). (forbidden)");
      }
      return new Submit(b.input(grants.stampProfiles(b.build().input())));
    } catch (LaneException e) {
      return new Answer(e.getMessage() + " (" + e.code().wire() + ")");
    } catch (RuntimeException e) {
      log.warn("the agent router failed on a message of {}", m.sessionKey(), e);
      return new Answer("The agent could not take this message: " + e.getMessage());
    }
  }
}
