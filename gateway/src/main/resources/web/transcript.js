// The conversation: messages as they are stored and edited, the task chip on a message that started
// a task, long answers folded, and messages typed while offline.
import { state, $ } from './state.js';
import { call, isOpen } from './connection.js';
import { taskBits, chip, ensureTask } from './tasks.js';
import { upload, givePicked } from './files.js';

/** Answers longer than this (characters or lines) are shown folded, with "Show all" and a download. */
const FOLD_CHARS = 3000;
const FOLD_LINES = 40;

export function showMessage(m) {
  state.lastChatId = Math.max(state.lastChatId, m.id);
  let li = state.messages.get(m.id);
  if (!li) {
    li = m.role === 'user' ? pendingFor(m) : null;
    if (!li) li = document.createElement('li');
    state.messages.set(m.id, li);
    if (!li.isConnected) insertInOrder(li, m.id);
  }
  if (m.role === 'assistant' && $('typing')) $('typing').remove();
  li.className = `msg ${m.role}${m.status ? ' status' : ''}`;
  li.dataset.id = m.id;
  delete li.dataset.text;
  li.replaceChildren(body(m));
  if (m.taskId) {
    li.dataset.task = m.taskId;
    if (m.status) li.appendChild(taskBits(m.taskId));
    ensureTask(m.taskId);
    // The answer names the task the user's message started: its chip, also after a reload.
    if (m.replyTo != null && !state.receipts.has(m.replyTo)) receipt({ entryId: m.replyTo, taskId: m.taskId });
  }
  if (m.role === 'user') showChip(li, m.id);
  $('empty').hidden = true;
  scrollDown();
}

/** The bubble typed in this page that a stored user message is (same text, not stored yet). */
function pendingFor(m) {
  return [...document.querySelectorAll('#transcript li.pending')].find((li) => li.dataset.text === m.text) || null;
}

function body(m) {
  const div = document.createElement('div');
  div.className = 'body';
  // The server renders Markdown with any HTML of the text escaped (docs/PROTOCOL.md): safe as it is.
  if (m.html != null) div.innerHTML = m.html;
  else div.textContent = m.text;
  if (m.role === 'assistant' && (m.text.length > FOLD_CHARS || lineCount(m.text) > FOLD_LINES)) {
    return fold(div, m);
  }
  return div;
}

function lineCount(text) {
  let n = text.endsWith('\n') ? 0 : 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A long answer: its start, "Show all", and a download of the whole text. */
function fold(div, m) {
  div.classList.add('folded');
  const wrap = document.createElement('div');
  const bar = document.createElement('div');
  bar.className = 'fold-bar';
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'show-all';
  const size = `${lineCount(m.text).toLocaleString()} lines, ${m.text.length.toLocaleString()} characters`;
  toggle.textContent = `Show all (${size})`;
  toggle.onclick = () => {
    const folded = div.classList.toggle('folded');
    toggle.textContent = folded ? `Show all (${size})` : 'Show less';
  };
  const download = document.createElement('a');
  download.className = 'download';
  download.textContent = 'Download';
  download.download = `${m.taskId ? 'task-' + m.taskId : 'message-' + m.id}.md`;
  download.href = URL.createObjectURL(new Blob([m.text], { type: 'text/markdown;charset=utf-8' }));
  bar.append(toggle, download);
  wrap.append(div, bar);
  return wrap;
}

/** Notes which task a user message started, and shows its chip if the message is on the page. */
export function receipt(r) {
  state.receipts.set(r.entryId, r.taskId);
  let li = state.messages.get(r.entryId);
  if (!li && r.messageId) li = document.querySelector(`#transcript li[data-message-id="${CSS.escape(r.messageId)}"]`);
  if (r.state) ensureTask(r.taskId, { id: r.taskId, state: r.state, position: r.position });
  else ensureTask(r.taskId);
  if (li) attachChip(li, r.taskId);
}

function showChip(li, entryId) {
  const taskId = state.receipts.get(entryId);
  if (taskId) attachChip(li, taskId);
}

function attachChip(li, taskId) {
  if (li.querySelector(`.chip[data-task="${CSS.escape(taskId)}"]`)) return;
  li.appendChild(chip(taskId));
}

/** A short "working on it" bubble between a message and its answer. */
export function showTyping() {
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

/**
 * Shows the message at once (pending) and sends it, now or when the connection is back. Files go
 * up first; the message waits for them, and the ones after it wait for it, so the order holds.
 */
export function send(text, files = []) {
  const li = document.createElement('li');
  li.className = 'msg user pending';
  const div = document.createElement('div');
  div.className = 'body';
  div.textContent = text;
  li.appendChild(div);
  li.dataset.text = text;
  if (files.length) {
    const names = document.createElement('div');
    names.className = 'files-line';
    names.textContent = `Uploading ${files.map((f) => f.name).join(', ')}…`;
    li.appendChild(names);
  }
  const messageId = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  li.dataset.messageId = messageId;
  $('transcript').appendChild(li);
  $('empty').hidden = true;
  scrollDown();
  const item = { text, messageId, li, files, attachments: files.length ? null : [] };
  state.outbox.push(item);
  if (files.length) {
    upload(files).then((stored) => {
      item.attachments = stored.map((a) => a.id);
      // The stored message ends with the server's note of the files: the bubble is recognised by it.
      li.dataset.text = `${text}\n\n[Attached: ${stored.map((a) => a.name).join(', ')} — in ./attachments/]`;
      flushOutbox();
    }).catch((e) => {
      state.outbox.splice(state.outbox.indexOf(item), 1);
      refused(item, e);
      flushOutbox();
    });
  }
  flushOutbox();
}

export function flushOutbox() {
  if (!state.sessionKey) return;
  // A message whose files are still going up holds back the ones after it.
  while (state.outbox.length && state.outbox[0].attachments && isOpen()) {
    const item = state.outbox.shift();
    const params = { chatId: state.chatId, text: item.text, messageId: item.messageId };
    if (item.attachments.length) params.attachments = item.attachments;
    // The message id makes a resend after a reconnect a duplicate the server ignores.
    call('chat.send', params)
      .then((reply) => {
        if (reply.userMessage) showMessage(reply.userMessage);
        if (reply.answer) showMessage(reply.answer);
      })
      .catch((e) => {
        if (!e.code) { state.outbox.unshift(item); return; } // connection lost: goes again on reconnect
        refused(item, e);
      });
  }
}

/** Nothing was stored: the text and files go back into the composer to fix and send again. */
function refused(item, e) {
  item.li.remove();
  if (!$('message').value) $('message').value = item.text;
  if (item.files.length) givePicked(item.files);
  showError(e);
}

export function showError(e) {
  const li = document.createElement('li');
  li.className = 'msg assistant error';
  li.textContent = `⚠ ${e.code ? e.code + ': ' : ''}${e.message}`;
  $('transcript').appendChild(li);
  scrollDown();
}

function scrollDown() {
  const t = $('transcript');
  t.scrollTop = t.scrollHeight;
}
