// Tasklane web chat: one WebSocket to /ws, the protocol of docs/PROTOCOL.md, no build step.
'use strict';

const TERMINAL = new Set(['completed', 'failed', 'canceled', 'expired']);
const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  chatId: null,
  sessionKey: null,
  ws: null,
  nextId: 1,
  calls: new Map(),        // request id -> {resolve, reject}
  lastChatId: 0,           // newest transcript entry seen: resume point for chat.subscribe
  lastEventId: 0,          // newest task event seen: resume point for task.subscribe
  messages: new Map(),     // transcript id -> <li>
  tasks: new Map(),        // task id -> task JSON
  outbox: [],              // messages typed while disconnected, sent on reconnect
  retry: 0,
};

// ---- connection -------------------------------------------------------------------------------

function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token') || localStorage.getItem('tasklane.token');
  const chat = params.get('chat') || localStorage.getItem('tasklane.chat');
  if (token) localStorage.setItem('tasklane.token', token);
  if (params.get('chat')) localStorage.setItem('tasklane.chat', chat);
  return { token, chat };
}

function connect() {
  setConn('connecting');
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/ws?token=${encodeURIComponent(state.token)}`);
  state.ws = ws;
  ws.onopen = () => { state.retry = 0; setConn('open'); subscribe().catch(showError); };
  ws.onmessage = (e) => onFrame(JSON.parse(e.data));
  ws.onclose = () => {
    setConn('closed');
    for (const { reject } of state.calls.values()) reject(new Error('connection closed'));
    state.calls.clear();
    // Reconnect by itself, backing off up to 5 s; subscriptions resume from the last ids seen.
    const delay = Math.min(5000, 300 * 2 ** state.retry++);
    setTimeout(connect, delay);
  };
}

function call(method, params) {
  return new Promise((resolve, reject) => {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) { reject(new Error('not connected')); return; }
    const id = String(state.nextId++);
    state.calls.set(id, { resolve, reject });
    state.ws.send(JSON.stringify({ id, method, params }));
  });
}

function onFrame(frame) {
  if (frame.event === 'chat') { showMessage(frame.data); return; }
  if (frame.event === 'task') { applyEvent(frame.data); return; }
  if (frame.event === 'typing') { showTyping(); return; }
  const pending = state.calls.get(String(frame.id));
  if (!pending) return;
  state.calls.delete(String(frame.id));
  if (frame.ok) pending.resolve(frame.result);
  else pending.reject(Object.assign(new Error(frame.error.message), { code: frame.error.code }));
}

async function subscribe() {
  const params = { afterId: state.lastChatId };
  if (state.chatId) params.chatId = state.chatId;
  const chat = await call('chat.subscribe', params);
  state.chatId = chat.chatId;
  state.sessionKey = chat.sessionKey;
  $('session').textContent = chat.sessionKey;
  const tasks = await call('task.subscribe', { sessionKey: state.sessionKey, afterEventId: state.lastEventId });
  for (const t of tasks.snapshot) upsertTask(t);
  flushOutbox();
}

function setConn(s) {
  $('conn').dataset.state = s;
  $('conn-text').textContent = s === 'open' ? 'connected' : s === 'closed' ? 'reconnecting…' : 'connecting';
}

// ---- transcript -------------------------------------------------------------------------------

function showMessage(m) {
  state.lastChatId = Math.max(state.lastChatId, m.id);
  let li = state.messages.get(m.id);
  if (!li) {
    li = document.querySelector(`li.pending[data-text="${CSS.escape(m.text)}"]`);
    if (!li || m.role !== 'user') li = document.createElement('li');
    state.messages.set(m.id, li);
    if (!li.isConnected) insertInOrder(li, m.id);
  }
  if (m.role === 'assistant' && $('typing')) $('typing').remove();
  li.className = `msg ${m.role}${m.status ? ' status' : ''}`;
  li.dataset.id = m.id;
  delete li.dataset.text;
  li.textContent = m.text;
  if (m.taskId) {
    li.dataset.task = m.taskId;
    li.appendChild(taskMeta(m.taskId));
    if (!state.tasks.has(m.taskId)) fetchTask(m.taskId);
  }
  $('empty').hidden = true;
  scrollDown();
}

/** A short "working on it" bubble between a message and its answer. */
function showTyping() {
  let dots = $('typing');
  if (!dots) {
    dots = document.createElement('li');
    dots.id = 'typing';
    dots.className = 'msg assistant typing';
    dots.innerHTML = '<span></span><span></span><span></span>';
  }
  $('transcript').appendChild(dots);
  scrollDown();
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(() => dots.remove(), 3000);
}

function insertInOrder(li, id) {
  const list = $('transcript');
  const after = [...list.children].find((el) => el.dataset.id && Number(el.dataset.id) > id);
  list.insertBefore(li, after || null);
}

function taskMeta(taskId) {
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.innerHTML = '<span class="task-id"></span><span class="badge"></span><button class="cancel" type="button">Cancel</button>';
  meta.querySelector('.task-id').textContent = taskId;
  meta.querySelector('.cancel').onclick = () => cancelTask(taskId);
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.innerHTML = '<div class="fill"></div>';
  const wrap = document.createElement('div');
  wrap.className = 'task-bits';
  wrap.dataset.task = taskId;
  wrap.append(meta, bar);
  paintBits(wrap, state.tasks.get(taskId));
  return wrap;
}

function send(text) {
  const li = document.createElement('li');
  li.className = 'msg user pending';
  li.textContent = text;
  li.dataset.text = text;
  $('transcript').appendChild(li);
  $('empty').hidden = true;
  scrollDown();
  const messageId = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  state.outbox.push({ text, messageId, li });
  flushOutbox();
}

function flushOutbox() {
  if (!state.sessionKey) return;
  while (state.outbox.length) {
    const item = state.outbox[0];
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return;
    state.outbox.shift();
    // The message id makes a resend after a reconnect a duplicate the server ignores.
    call('chat.send', { chatId: state.chatId, text: item.text, messageId: item.messageId })
      .then((reply) => { if (reply.userMessage) showMessage(reply.userMessage); if (reply.answer) showMessage(reply.answer); })
      .catch((e) => { if (e.code) showError(e); else state.outbox.unshift(item); });
  }
}

// ---- tasks ------------------------------------------------------------------------------------

function applyEvent(e) {
  if (e.eventId) state.lastEventId = Math.max(state.lastEventId, e.eventId);
  const t = state.tasks.get(e.taskId) || { id: e.taskId, sessionKey: e.sessionKey, kind: '', input: null };
  t.state = e.state;
  if (e.progress) t.progress = e.progress;
  if (e.result !== undefined) t.result = e.result;
  if (e.error) t.error = e.error;
  if (e.output) t.lastOutput = e.output.trim().split('\n').pop();
  upsertTask(t);
  if (!t.kind) fetchTask(e.taskId);
}

function fetchTask(id) {
  call('task.status', { taskId: id }).then(upsertTask).catch(() => {});
}

function upsertTask(t) {
  const known = state.tasks.get(t.id);
  if (known && known.lastOutput && !t.lastOutput) t.lastOutput = known.lastOutput;
  if (known && TERMINAL.has(known.state) && !TERMINAL.has(t.state)) t.state = known.state; // never go back
  state.tasks.set(t.id, t);
  renderTaskList();
  document.querySelectorAll(`.task-bits[data-task="${CSS.escape(t.id)}"]`).forEach((el) => paintBits(el, t));
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
  const note = el.querySelector('.task-note');
  if (note) note.textContent = taskNote(t);
}

function taskNote(t) {
  if (!t) return '';
  if (t.error) return `${t.error.code}: ${t.error.message}`;
  if (t.state === 'completed' && t.result) return resultText(t.result);
  return (t.progress && t.progress.message) || t.lastOutput || '';
}

function resultText(r) {
  if (r && typeof r === 'object') return r.text || r.output || JSON.stringify(r);
  return String(r);
}

function taskTitle(t) {
  const i = t.input || {};
  if (i.shell) return i.shell;
  if (Array.isArray(i.command)) return i.command.join(' ');
  if (i.text) return i.text;
  return t.kind || '';
}

function renderTaskList() {
  const list = $('task-list');
  const tasks = [...state.tasks.values()].sort((a, b) => b.id.length - a.id.length || (b.id > a.id ? 1 : -1));
  const tpl = $('task-template');
  list.replaceChildren(...tasks.map((t) => {
    const li = tpl.content.firstElementChild.cloneNode(true);
    li.dataset.task = t.id;
    li.classList.add('task-bits');
    li.querySelector('.task-id').textContent = t.id;
    li.querySelector('.task-title').textContent = taskTitle(t);
    li.querySelector('.cancel').onclick = () => cancelTask(t.id);
    paintBits(li, t);
    return li;
  }));
  $('no-tasks').hidden = tasks.length > 0;
}

function cancelTask(id) {
  call('task.cancel', { taskId: id }).then(upsertTask).catch(showError);
}

// ---- page -------------------------------------------------------------------------------------

function showError(e) {
  const li = document.createElement('li');
  li.className = 'msg assistant';
  li.textContent = `⚠ ${e.code ? e.code + ': ' : ''}${e.message}`;
  $('transcript').appendChild(li);
  scrollDown();
}

function scrollDown() {
  const t = $('transcript');
  t.scrollTop = t.scrollHeight;
}

function start() {
  const { token, chat } = readHash();
  state.chatId = chat;
  if (!token) {
    $('login').hidden = false;
    $('login-form').onsubmit = (e) => {
      e.preventDefault();
      const value = $('token-input').value.trim();
      if (!value) return;
      localStorage.setItem('tasklane.token', value);
      location.hash = `token=${encodeURIComponent(value)}`;
      location.reload();
    };
    return;
  }
  state.token = token;
  $('composer').onsubmit = (e) => {
    e.preventDefault();
    const input = $('message');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send(text);
  };
  connect();
}

start();
