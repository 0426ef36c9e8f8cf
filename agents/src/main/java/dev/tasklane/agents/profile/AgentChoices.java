package dev.tasklane.agents.profile;

import dev.tasklane.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Optional;

/** The profile each session chose with {@code /agent}, kept in the shared database (table {@code agent_choices}). */
public final class AgentChoices {
  private final Database database;
  private final Clock clock;

  /** Migrates the table ({@code db/agents/<dialect>}) if needed. */
  public AgentChoices(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
    database.migrate("agents", "db/agents");
  }

  public Optional<String> get(String sessionKey) {
    return database.read(tx -> {
      try (PreparedStatement st = tx.connection()
          .prepareStatement("SELECT profile FROM agent_choices WHERE session_key = ?")) {
        st.setString(1, sessionKey);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  public void set(String sessionKey, String profile) {
    database.write(tx -> {
      try (PreparedStatement st = tx.connection().prepareStatement("""
          INSERT INTO agent_choices (session_key, profile, chosen_at) VALUES (?, ?, ?)
          ON CONFLICT (session_key) DO UPDATE SET profile = excluded.profile, chosen_at = excluded.chosen_at""")) {
        st.setString(1, sessionKey);
        st.setString(2, profile);
        st.setLong(3, clock.millis());
        return st.executeUpdate();
      }
    });
  }
}
