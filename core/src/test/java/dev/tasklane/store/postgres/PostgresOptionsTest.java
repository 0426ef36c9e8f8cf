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
    assertThat(o.writers()).isEqualTo(PostgresOptions.DEFAULT_WRITERS);
    assertThat(o.toString()).doesNotContain("p@ss");
  }

  @Test
  void theWritersParameterIsTasklanesAndNeverReachesTheDriver() {
    PostgresOptions o = PostgresOptions.fromUrl("postgresql://db/tasks?writers=4&sslmode=require");
    assertThat(o.writers()).isEqualTo(4);
    assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://db/tasks?sslmode=require");
    PostgresOptions jdbc = PostgresOptions.fromUrl("jdbc:postgresql://db/tasks?currentSchema=s&writers=32");
    assertThat(jdbc.writers()).isEqualTo(PostgresOptions.MAX_WRITERS);
    assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://db/tasks?currentSchema=s");
    assertThat(PostgresOptions.fromUrl("postgresql://db/tasks?writers=1").jdbcUrl()).isEqualTo("jdbc:postgresql://db/tasks");
  }

  @Test
  void writersOutsideTheirRangeAreRefusedWithTheRange() {
    assertThatThrownBy(() -> PostgresOptions.fromUrl("postgresql://db/tasks?writers=0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 32");
    assertThatThrownBy(() -> PostgresOptions.fromUrl("postgresql://db/tasks?writers=33"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 32");
    assertThatThrownBy(() -> PostgresOptions.fromUrl("postgresql://db/tasks?writers=many"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 32");
  }
}
