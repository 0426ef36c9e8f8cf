// Tasklane web chat: one WebSocket to /ws, the protocol of docs/PROTOCOL.md, no build step.
import { state, $ } from './state.js';
import { connect, call, on, whenOpen, askForToken, rememberToken, storedToken } from './connection.js';
import { showMessage, showTyping, receipt, send, flushOutbox, showError } from './transcript.js';
import { applyEvent, upsertTask, startClock } from './tasks.js';
import { startFilePicker, takePicked } from './files.js';

const STORED_CHAT = 'tasklane.chat';

// For the console and the browser tests.
window.tasklane = { state };

function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return {
    token: params.get('token') || storedToken(),
    chat: params.get('chat') || localStorage.getItem(STORED_CHAT),
  };
}

async function subscribe() {
  let chat;
  try {
    const params = { afterId: state.lastChatId };
    if (state.chatId) params.chatId = state.chatId;
    chat = await call('chat.subscribe', params);
  } catch (e) {
    if (e.code === 'bad_request' || e.code === 'forbidden') refusedChat(e);
    else if (e.code) showError(e);
    return; // not connected any more: the next connection subscribes again
  }
  rememberToken();
  if (state.chatId) localStorage.setItem(STORED_CHAT, state.chatId);
  clearNotice('chat');
  state.chatId = chat.chatId;
  state.sessionKey = chat.sessionKey;
  state.maxChars = chat.maxMessageChars;
  $('session').textContent = chat.sessionKey;
  $('message').disabled = false;
  checkLength();
  const tasks = await call('task.subscribe', { sessionKey: state.sessionKey, afterEventId: state.lastEventId });
  for (const t of tasks.snapshot) upsertTask(t);
  flushOutbox();
}

/** The chat name in the link is not one this token may open: say so, and offer the token's own chat. */
function refusedChat(e) {
  rememberToken(); // the token itself was accepted
  if (localStorage.getItem(STORED_CHAT) === state.chatId) localStorage.removeItem(STORED_CHAT);
  $('session').textContent = '';
  $('message').disabled = true;
  showNotice('chat', `Can't open the chat "${state.chatId}": ${e.message}.`, 'Open my own chat', () => {
    state.chatId = null;
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    params.delete('chat');
    history.replaceState(null, '', `${location.pathname}${params.size ? '#' + params : ''}`);
    subscribe();
  });
}

function showNotice(kind, text, action, onAction) {
  const notice = $('notice');
  notice.hidden = false;
  notice.dataset.kind = kind;
  $('notice-text').textContent = text;
  $('notice-action').textContent = action;
  $('notice-action').onclick = onAction;
}

function clearNotice(kind) {
  if ($('notice').dataset.kind === kind) $('notice').hidden = true;
}

/** Says the limit before the server has to refuse: the count shows near it, Send stops past it. */
function checkLength() {
  const n = $('message').value.length;
  const max = state.maxChars;
  const limit = $('limit');
  const over = max != null && n > max;
  limit.hidden = max == null || n < max * 0.8;
  limit.textContent = over ? `${n.toLocaleString()} characters: messages can have at most ${max.toLocaleString()}`
    : `${n.toLocaleString()} / ${max == null ? '' : max.toLocaleString()}`;
  limit.classList.toggle('over', over);
  $('send').disabled = over;
}

function submitMessage() {
  const input = $('message');
  const text = input.value.trim();
  if (!text || $('send').disabled) return;
  input.value = '';
  checkLength();
  send(text, takePicked());
}

function start() {
  const { token, chat } = readHash();
  state.chatId = chat;
  on('chat', showMessage);
  on('task', applyEvent);
  on('typing', showTyping);
  on('receipt', receipt);
  whenOpen(() => subscribe().catch(showError));
  $('composer').onsubmit = (e) => { e.preventDefault(); submitMessage(); };
  $('message').addEventListener('input', checkLength);
  $('message').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submitMessage(); }
  });
  $('login-form').onsubmit = (e) => {
    e.preventDefault();
    const value = $('token-input').value.trim();
    if (!value) return;
    $('login').hidden = true;
    state.token = value; // kept only once the server accepts it
    connect();
  };
  startFilePicker();
  startClock();
  if (!token) {
    askForToken('');
    return;
  }
  state.token = token;
  connect();
}

start();
