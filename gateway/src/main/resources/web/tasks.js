// Tasks as the page shows them: the list on the right, the bar of a task's status message, and the
// chip on the message that started it. Progress is a real fraction when the handler knows one;
// otherwise the bar says how long the task has run and what it is doing now, never a made-up percent.
import { state, $, TERMINAL, duration, queuedPlace } from './state.js';
import { call } from './connection.js';

const POSITIONS_EVERY_MS = 3000;
const POSITIONS_ASKED = 10;
let positionsAsked = 0;

export function applyEvent(e) {
  if (e.eventId) state.lastEventId = Math.max(state.lastEventId, e.eventId);
  const known = state.tasks.get(e.taskId);
  const t = known ? { ...known } : { id: e.taskId, sessionKey: e.sessionKey, kind: '', input: null };
  t.state = e.state;
  if (e.type === 'started') t.startedAt = e.at;
  if (TERMINAL.has(e.state)) t.finishedAt = e.at;
  if (e.progress) t.progress = e.progress;
  if (e.result !== undefined) t.result = e.result;
  if (e.error) t.error = e.error;
  if (e.state === 'completed') t.error = null; // an earlier attempt's error is history now
  if (e.output) t.lastOutput = e.output.trim().split('\n').pop();
  upsertTask(t);
  if (!t.kind) fetchTask(e.taskId);
  refreshPositions();
}

/** Makes sure the page knows the task (asks the server once if not); `partial` shows until then. */
export function ensureTask(id, partial) {
  if (state.tasks.has(id)) return;
  if (partial) upsertTask(partial);
  fetchTask(id);
}

function fetchTask(id) {
  call('task.status', { taskId: id }).then(upsertTask).catch(() => {});
}

/**
 * Queued tasks' places change as others start and end: ask for the newest few again, at most every
 * few seconds (well within the connection's request rate).
 */
function refreshPositions() {
  const now = Date.now();
  if (now - positionsAsked < POSITIONS_EVERY_MS) return;
  positionsAsked = now;
  [...state.tasks.values()].filter((t) => t.state === 'queued').slice(-POSITIONS_ASKED).forEach((t) => fetchTask(t.id));
}

export function upsertTask(t) {
  const known = state.tasks.get(t.id);
  if (known) {
    if (known.lastOutput && !t.lastOutput) t.lastOutput = known.lastOutput;
    if (TERMINAL.has(known.state) && !TERMINAL.has(t.state)) t = { ...t, state: known.state }; // never go back
    t = { ...known, ...t };
  }
  state.tasks.set(t.id, t);
  renderTaskList();
  repaint(t);
}

function repaint(t) {
  document.querySelectorAll(`.task-bits[data-task="${CSS.escape(t.id)}"]`).forEach((el) => paintBits(el, t));
  document.querySelectorAll(`.chip[data-task="${CSS.escape(t.id)}"]`).forEach((el) => paintChip(el, t));
}

/** The badge, bar and cancel button of a task's status message. */
export function taskBits(taskId) {
  const wrap = $('bits-template').content.firstElementChild.cloneNode(true);
  wrap.dataset.task = taskId;
  wrap.querySelector('.task-id').textContent = taskId;
  wrap.querySelector('.cancel').onclick = () => cancelTask(taskId);
  paintBits(wrap, state.tasks.get(taskId));
  return wrap;
}

/** The chip on the user's message that started the task: id, state, place in the queue. */
export function chip(taskId) {
  const el = $('chip-template').content.firstElementChild.cloneNode(true);
  el.dataset.task = taskId;
  el.querySelector('.task-id').textContent = taskId;
  paintChip(el, state.tasks.get(taskId) || { id: taskId, state: 'queued' });
  return el;
}

function paintChip(el, t) {
  const badge = el.querySelector('.badge');
  badge.textContent = t.state;
  badge.dataset.state = t.state;
  el.querySelector('.place').textContent = t.state === 'queued' ? queuedPlace(t) : '';
}

function paintBits(el, t) {
  const taskState = t ? t.state : 'queued';
  const badge = el.querySelector('.badge');
  badge.textContent = taskState;
  badge.dataset.state = taskState;
  const bar = el.querySelector('.bar');
  bar.dataset.state = taskState;
  const fraction = t && t.progress ? t.progress.fraction : null;
  bar.classList.toggle('indeterminate', taskState === 'running' && fraction == null);
  bar.querySelector('.fill').style.width = TERMINAL.has(taskState) || fraction == null ? '' : `${Math.round(fraction * 100)}%`;
  el.querySelector('.cancel').hidden = TERMINAL.has(taskState);
  const label = el.querySelector('.bar-label');
  if (label) label.textContent = barLabel(t);
  const note = el.querySelector('.task-note');
  if (note) note.textContent = taskNote(t);
}

/** Beside the bar: `40% · 1m 05s`, or only the elapsed time when there is no real fraction. */
function barLabel(t) {
  if (!t || t.state !== 'running') return t && t.state === 'queued' ? queuedPlace(t) : '';
  const parts = [];
  if (t.progress && t.progress.fraction != null) parts.push(`${Math.round(t.progress.fraction * 100)}%`);
  if (t.startedAt) parts.push(duration(Date.now() - Date.parse(t.startedAt)));
  return parts.join(' · ');
}

/** Under the bar: what the task is doing now, or how it ended. */
function taskNote(t) {
  if (!t) return '';
  switch (t.state) {
    case 'completed': return firstLine(resultText(t.result)) || 'no output';
    case 'failed': case 'expired': return t.error ? `${t.error.code}: ${t.error.message}` : t.state;
    case 'canceled': return 'canceled';
    case 'queued':
      return t.attempt > 0 && t.error ? `retrying after ${t.error.code}: ${t.error.message}` : '';
    default: return currentStep(t);
  }
}

function currentStep(t) {
  const p = t.progress || {};
  if (p.message) return p.message;
  if (t.lastOutput) return t.lastOutput;
  if (p.steps > 0) return p.totalSteps ? `step ${p.steps} of ${p.totalSteps}` : `step ${p.steps}`;
  return '';
}

function firstLine(s) {
  const line = s.trim().split('\n')[0];
  return line.length > 200 ? line.slice(0, 199) + '…' : line;
}

/**
 * The readable text of a result, as the chat's answer has it: its `text`, `output` or `stdout` field
 * (empty when the command printed nothing), a plain string, or else the JSON itself.
 */
function resultText(r) {
  if (r == null) return '';
  if (typeof r !== 'object') return String(r);
  const field = ['text', 'output', 'stdout'].find((f) => typeof r[f] === 'string');
  return field ? r[field] : JSON.stringify(r);
}

/**
 * The task list, newest first. Cards are updated in place and moved only when the order changes:
 * a list rebuilt at every progress event would swap a card under the pointer between a press and its
 * release, and the click on Cancel would be lost.
 */
function renderTaskList() {
  const list = $('task-list');
  const tasks = [...state.tasks.values()].filter((t) => t.sessionKey === state.sessionKey || !t.sessionKey)
    .sort((a, b) => b.id.length - a.id.length || (b.id > a.id ? 1 : -1));
  const cards = new Map([...list.children].map((li) => [li.dataset.task, li]));
  const tpl = $('task-template');
  tasks.forEach((t, i) => {
    let li = cards.get(t.id);
    cards.delete(t.id);
    if (!li) {
      li = tpl.content.firstElementChild.cloneNode(true);
      li.dataset.task = t.id;
      li.classList.add('task-bits');
      li.querySelector('.task-id').textContent = t.id;
      li.querySelector('.cancel').onclick = () => cancelTask(t.id);
    }
    li.querySelector('.task-title').textContent = t.title || t.kind || '';
    li.querySelector('.task-title').title = t.title || '';
    paintBits(li, t);
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
  });
  cards.forEach((li) => li.remove());
  $('no-tasks').hidden = tasks.length > 0;
}

function cancelTask(id) {
  call('task.cancel', { taskId: id }).then(upsertTask).catch(() => {});
}

/** Running tasks' elapsed time moves every second, whatever the handler reports. */
export function startClock() {
  setInterval(() => {
    for (const t of state.tasks.values()) {
      if (t.state === 'running') {
        document.querySelectorAll(`.task-bits[data-task="${CSS.escape(t.id)}"] .bar-label`)
          .forEach((el) => { el.textContent = barLabel(t); });
      }
    }
    if ([...state.tasks.values()].some((t) => t.state === 'queued')) refreshPositions();
  }, 1000);
}
