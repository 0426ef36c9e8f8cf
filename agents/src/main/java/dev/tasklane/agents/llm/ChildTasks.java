package dev.tasklane.agents.llm;

import dev.tasklane.core.SubmitRequest;
import java.util.Optional;

/**
 * Makes the task a background instruction becomes: a task of the named profile (null = the session's
 * agent) for the session. {@code ProfileRouter::taskForProfile} is one.
 */
@FunctionalInterface
public interface ChildTasks {
  Optional<SubmitRequest.Builder> taskFor(String profile, String sessionKey, String instruction);
}
