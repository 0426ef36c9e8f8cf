package dev.tasklane.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresOptionsTest {
  @Test
  void aUserUrlBecomesAJdbcUrlWithItsCredentialsApart() {
    PostgresOptions o = PostgresOptions.fromUrl("postgresql://ann:p%40ss@db.example:5433/tasks?sslmode=require");
    assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/tasks?sslmode=require");
    assertThat(o.user()).isEqualTo("ann");
    assertThat(o.password()).isEqualTo("p@ss");
    assertThat(o.toString()).doesNotContain("p@ss");
  }

  @Test
  void aJdbcUrlIsTakenAsItIs() {
    PostgresOptions o = PostgresOptions.fromUrl("jdbc:postgresql://db/tasks?currentSchema=s");
    assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://db/tasks?currentSchema=s");
    assertThat(o.user()).isNull();
  }

  @Test
  void anotherSchemeIsRefused() {
    assertThatThrownBy(() -> PostgresOptions.fromUrl("mysql://db/tasks"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("postgresql://");
  }
}
