package dev.tasklane.app;

import dev.tasklane.agents.profile.ConfigException;
import dev.tasklane.app.client.ApiException;
import dev.tasklane.app.client.CancelCommand;
import dev.tasklane.app.client.ListCommand;
import dev.tasklane.app.client.StatusCommand;
import dev.tasklane.app.client.SubmitCommand;
import dev.tasklane.app.client.WatchCommand;
import dev.tasklane.gateway.ListenException;
import java.net.ConnectException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tasklane} command line. */
@Command(name = "tasklane", mixinStandardHelpOptions = true, version = "tasklane 0.1.0",
    description = "A chat-agent gateway whose chat never waits.",
    subcommands = {ServeCommand.class, WorkerCommand.class, SubmitCommand.class, StatusCommand.class, ListCommand.class,
        CancelCommand.class, WatchCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setExecutionExceptionHandler((e, c, parsed) -> {
      c.getErr().println("tasklane: " + explain(e, c));
      c.getErr().flush();
      return e instanceof ApiException ? 1 : 2;
    });
    return cmd;
  }

  private static String explain(Exception e, CommandLine c) {
    if (e instanceof ApiException a) return a.code() + ": " + a.getMessage();
    if (e instanceof ConnectException) return "cannot reach the server (is `tasklane serve` running? see --url)";
    if (e instanceof ConfigException) return "configuration: " + e.getMessage();
    if (e instanceof ListenException l && l.portInUse()) {
      return l.getMessage() + ". Stop the program that uses it (another tasklane serve?), or pick another port"
          + " with --port or TASKLANE_PORT (0 picks a free one).";
    }
    if (e instanceof ListenException l) return l.getMessage() + ". Check --host / TASKLANE_HOST.";
    if (e instanceof IllegalArgumentException) return e.getMessage();
    return e.toString();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
