package dev.tasklane.chat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Small JDBC helpers shared by the chat tables' statements. */
final class Sql {
  private Sql() {}

  /** Binds values in order; {@link Instant}s as epoch milliseconds, booleans as 0/1. */
  static PreparedStatement bind(PreparedStatement ps, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      switch (v) {
        case null -> ps.setNull(i + 1, Types.NULL);
        case Instant t -> ps.setLong(i + 1, t.toEpochMilli());
        case Boolean b -> ps.setInt(i + 1, b ? 1 : 0);
        case Long l -> ps.setLong(i + 1, l);
        case Integer n -> ps.setInt(i + 1, n);
        case String s -> ps.setString(i + 1, s);
        default -> throw new IllegalArgumentException("cannot bind " + v.getClass());
      }
    }
    return ps;
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
