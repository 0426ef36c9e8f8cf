package dev.tasklane.core;

import java.util.Locale;

/** What an event reports. Every state change is an event; so are progress and output. */
public enum EventType {
  CREATED,
  STARTED,
  PROGRESS,
  OUTPUT,
  CANCEL_REQUESTED,
  RETRYING,
  COMPLETED,
  FAILED,
  CANCELED,
  EXPIRED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EventType fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
