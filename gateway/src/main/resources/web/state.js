// The page's state, shared by its modules.

export const TERMINAL = new Set(['completed', 'failed', 'canceled', 'expired']);
export const $ = (id) => document.getElementById(id);

export const state = {
  token: null,             // the token in use; stored only once the server accepted it
  chatId: null,            // the chat asked for; stored only once the server opened it
  sessionKey: null,
  maxChars: null,          // the longest message the server accepts (from chat.subscribe)
  ws: null,
  nextId: 1,
  calls: new Map(),        // request id -> {resolve, reject}
  lastChatId: 0,           // newest transcript entry seen: resume point for chat.subscribe
  lastEventId: 0,          // newest task event seen: resume point for task.subscribe
  messages: new Map(),     // transcript id -> <li>
  receipts: new Map(),     // transcript id of a user message -> task id it started
  tasks: new Map(),        // task id -> task JSON
  outbox: [],              // messages typed while disconnected, sent on reconnect
  retry: 0,
};

/** `45s`, `3m 05s`, `1h 05m`: elapsed time as people say it. */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Where a queued task stands: `waits for 2 tasks` for one whose dependencies have not all completed,
 * `starts 14:05` for one that waits for its start time (submitted for later, or pausing before a
 * retry), else its place in the queue.
 */
export function queuedPlace(t) {
  if (t.waitingOn > 0) return t.waitingOn === 1 ? 'waits for 1 task' : `waits for ${t.waitingOn} tasks`;
  const start = t.notBefore ? Date.parse(t.notBefore) : NaN;
  if (start > Date.now()) return `starts ${clockTime(new Date(start))}`;
  return queuePlace(t.position);
}

/** `14:05` today, `Tue 09:00` on another day, in the browser's time zone. */
function clockTime(d) {
  const time = { hour: '2-digit', minute: '2-digit' };
  if (d.toDateString() === new Date().toDateString()) return d.toLocaleTimeString([], time);
  return d.toLocaleString([], { weekday: 'short', ...time });
}

/** `next in line`, `2 ahead`, `100+ ahead`. */
export function queuePlace(position) {
  if (position == null || position < 0) return '';
  if (position === 0) return 'next in line';
  return position >= 100 ? '100+ ahead' : `${position} ahead`;
}
