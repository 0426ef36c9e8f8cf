// The one WebSocket to /ws: requests, events, reconnecting, and telling the user what is wrong when
// the server refuses the token or cannot be reached.
import { state, $ } from './state.js';

const STORED_TOKEN = 'tasklane.token';
const listeners = {};      // event name -> function(data)
let onOpen = () => {};
let timer = null;

export function on(event, fn) { listeners[event] = fn; }
export function whenOpen(fn) { onOpen = fn; }

export function connect() {
  clearTimeout(timer);
  setConn('connecting');
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/ws?token=${encodeURIComponent(state.token)}`);
  let opened = false;
  state.ws = ws;
  ws.onopen = () => {
    opened = true;
    state.retry = 0;
    setConn('open');
    onOpen();
  };
  ws.onmessage = (e) => onFrame(JSON.parse(e.data));
  ws.onclose = () => {
    if (state.ws !== ws) return;
    for (const { reject } of state.calls.values()) reject(new Error('connection closed'));
    state.calls.clear();
    // A connection that was open dropped: come back at once. One that never opened was refused or
    // could not reach the server: find out which before trying again.
    if (opened) retryIn(300, 'closed');
    else diagnose();
  };
}

export function call(method, params) {
  return new Promise((resolve, reject) => {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) { reject(new Error('not connected')); return; }
    const id = String(state.nextId++);
    state.calls.set(id, { resolve, reject });
    state.ws.send(JSON.stringify({ id, method, params }));
  });
}

export function isOpen() {
  return state.ws && state.ws.readyState === WebSocket.OPEN;
}

function onFrame(frame) {
  if (frame.event) {
    const fn = listeners[frame.event];
    if (fn) fn(frame.data);
    return;
  }
  const pending = state.calls.get(String(frame.id));
  if (!pending) return;
  state.calls.delete(String(frame.id));
  if (frame.ok) pending.resolve(frame.result);
  else pending.reject(Object.assign(new Error(frame.error.message), { code: frame.error.code }));
}

/** Asks over plain HTTP why the WebSocket did not open: a refused token, or no server at all. */
async function diagnose() {
  let response;
  try {
    response = await fetch('/v1/tasks?limit=1', {
      headers: { Authorization: `Bearer ${state.token}` }, cache: 'no-store',
    });
  } catch (e) {
    retryIn(backoff(), 'down');
    return;
  }
  if (response.status === 401) refused();
  else retryIn(backoff(), 'closed');
}

function backoff() {
  return Math.min(5000, 300 * 2 ** state.retry++);
}

function retryIn(ms, why) {
  setConn(why, ms);
  clearTimeout(timer);
  timer = setTimeout(connect, ms);
}

/** The server does not know this token: forget it if it was stored, and ask for another. */
function refused() {
  if (localStorage.getItem(STORED_TOKEN) === state.token) localStorage.removeItem(STORED_TOKEN);
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (params.get('token') === state.token) {
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.size ? '#' + params : ''}`);
  }
  state.token = null;
  setConn('refused');
  askForToken('The server did not accept that token. Check it and paste it again.');
}

/** Shows the token form, with why it is asked for. */
export function askForToken(why) {
  $('login').hidden = false;
  $('login-error').textContent = why || '';
  $('login-error').hidden = !why;
  $('token-input').value = '';
  $('token-input').focus();
}

/** The server accepted the token: keep it for the next visit, and out of the address bar. */
export function rememberToken() {
  localStorage.setItem(STORED_TOKEN, state.token);
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (params.has('token')) {
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.size ? '#' + params : ''}`);
  }
}

export function storedToken() {
  return localStorage.getItem(STORED_TOKEN);
}

function setConn(s, retryMs) {
  $('conn').dataset.state = s;
  const text = { open: 'connected', connecting: 'connecting…', closed: 'reconnecting…', refused: 'not signed in',
    down: 'server unreachable' }[s];
  $('conn-text').textContent = text;
  const notice = $('notice');
  if (s === 'down') {
    notice.hidden = false;
    notice.dataset.kind = 'down';
    $('notice-text').textContent = `Can't reach the Tasklane server at ${location.host}. `
      + `Trying again in ${Math.ceil(retryMs / 1000)} s; messages you send meanwhile go out when it is back.`;
    $('notice-action').textContent = 'Try now';
    $('notice-action').onclick = connect;
  } else if (notice.dataset.kind === 'down' && (s === 'open' || s === 'refused')) {
    notice.hidden = true; // not while it tries again: the notice would blink at every try
    notice.dataset.kind = '';
  }
}
