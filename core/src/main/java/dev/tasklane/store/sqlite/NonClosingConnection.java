package dev.tasklane.store.sqlite;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/** Lends a connection to code that closes what it is given (Flyway) without letting it close it. */
record NonClosingConnection(Connection target) {
  Connection proxy() {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (p, method, args) -> {
              if (method.getName().equals("close")) return null;
              if (method.getName().equals("isClosed")) return false;
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
