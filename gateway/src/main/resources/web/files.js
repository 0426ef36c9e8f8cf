// Files going with the next message: picked with the paperclip, dropped on the message box or pasted.
// They are uploaded to the chat's session when the message is sent (POST /v1/attachments) and the
// message names them; the server checks sizes and counts and says when one is too large.
import { state, $ } from './state.js';

/** The files picked for the next message, in the order they were added. */
const picked = [];

export function startFilePicker() {
  $('attach').onclick = () => $('files').click();
  $('files').onchange = () => {
    add($('files').files);
    $('files').value = ''; // the same file can be picked again after it was removed
  };
  const composer = $('composer');
  composer.addEventListener('dragover', (e) => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    composer.classList.add('dropping');
  });
  composer.addEventListener('dragleave', () => composer.classList.remove('dropping'));
  composer.addEventListener('drop', (e) => {
    composer.classList.remove('dropping');
    if (!e.dataTransfer.files.length) return;
    e.preventDefault();
    add(e.dataTransfer.files);
  });
  $('message').addEventListener('paste', (e) => {
    if (!e.clipboardData || !e.clipboardData.files.length) return;
    e.preventDefault();
    add(e.clipboardData.files);
  });
}

function add(files) {
  for (const f of files) picked.push(f);
  render();
}

/** Hands over the picked files (the picker is empty afterwards). */
export function takePicked() {
  const files = picked.splice(0, picked.length);
  render();
  return files;
}

/** Gives files back to the picker, e.g. after the message with them was refused. */
export function givePicked(files) {
  add(files);
}

export function hasPicked() {
  return picked.length > 0;
}

function render() {
  const list = $('picked');
  list.replaceChildren(...picked.map((f, i) => {
    const li = document.createElement('li');
    li.className = 'picked-file';
    const name = document.createElement('span');
    name.textContent = `${f.name} (${size(f.size)})`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove';
    remove.title = `Remove ${f.name}`;
    remove.textContent = '✕';
    remove.onclick = () => { picked.splice(i, 1); render(); };
    li.append(name, remove);
    return li;
  }));
  list.hidden = picked.length === 0;
  $('message').placeholder = picked.length
    ? 'Say what to do with the files'
    : 'Message (Shift+Enter for a new line)';
}

/** `812 B`, `14 KB`, `3.2 MB`. */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Uploads the files to the chat's session, one after another: the stored attachments
 * (`{id, name, ...}`), or a rejection with the server's `code` and `message`.
 */
export async function upload(files) {
  const stored = [];
  for (const f of files) {
    const query = new URLSearchParams({ sessionKey: state.sessionKey, name: f.name });
    let response;
    try {
      response = await fetch(`/v1/attachments?${query}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${state.token}`, 'Content-Type': f.type || 'application/octet-stream' },
        body: f,
      });
    } catch (e) {
      throw Object.assign(new Error(`could not upload ${f.name}: the server cannot be reached`), { code: 'unavailable' });
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw Object.assign(new Error(`${f.name}: ${body.message || response.statusText}`), { code: body.code || 'internal' });
    }
    stored.push(body);
  }
  return stored;
}
