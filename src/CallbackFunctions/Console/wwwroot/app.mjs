// The console's shell: the function key, the views by URL fragment (#/board, #/callbacks/cb-..., #/agent/alice).
// The fragment holds only view names and ids: never the key, never a phone number.
import { key, needsKey, keyWorks, KeyRefused } from './api.mjs';
import { h, say } from './dom.mjs';
import { field } from './forms.mjs';
import * as board from './views/board.mjs';
import * as search from './views/search.mjs';
import * as callback from './views/callback.mjs';
import * as rules from './views/rules.mjs';
import * as agents from './views/agents.mjs';
import * as contacts from './views/contacts.mjs';
import * as agent from './views/agent.mjs';

const views = { board, search, callbacks: callback, rules, agents, contacts, agent };
const main = document.getElementById('main');
let current = null; // the AbortController of the view on screen: aborting it stops its polls

async function start() {
  document.getElementById('forget-key').addEventListener('click', () => { key.clear(); location.reload(); });
  document.addEventListener('console:polled', () => main.querySelector('.poll-error')?.remove());
  if (!key.get() && await needsKey()) { askForKey(); return; }
  if (key.get()) document.getElementById('forget-key').hidden = false;
  window.addEventListener('hashchange', show);
  show();
}

/** The one prompt for the key: a password field; the key goes to sessionStorage only. */
function askForKey(refused = false) {
  current?.abort();
  key.clear();
  const message = h('p', { class: 'message', role: 'status' });
  const form = h('form', { class: 'card key-form', novalidate: true },
    h('h1', {}, 'Function key'),
    h('p', {}, 'This app asks for a function key of its management API. The console keeps it for this browser tab only and sends it with each request; it is never put in a link.'),
    field({ id: 'function-key', label: 'Function key', name: 'key', type: 'password', required: true,
      attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    h('button', { type: 'submit' }, 'Open the console'),
    message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = form.elements.key.value.trim();
    if (!value) { say(message, 'Type or paste the key.', true); return; }
    key.set(value);
    if (await keyWorks()) { location.hash ||= '#/board'; location.reload(); return; }
    key.clear();
    say(message, 'That key was refused. Check it and try again.', true);
    form.elements.key.focus();
  });
  main.replaceChildren(form);
  if (refused) say(message, 'The API refused the key this tab had. Type it again.', true);
  form.elements.key.focus();
}

function show() {
  current?.abort();
  current = new AbortController();
  const [name = 'board', ...rest] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const view = views[name] ?? board;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.view === (views[name] ? name === 'callbacks' ? 'board' : name : 'board')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.replaceChildren();
  const signal = current.signal;
  const failed = (e) => {
    if (e instanceof KeyRefused) { askForKey(true); return; }
    if (signal.aborted) return;
    const note = main.querySelector('.poll-error') ?? main.appendChild(h('p', { class: 'poll-error message error', role: 'alert' }));
    note.textContent = `Could not reach the API: ${e.message}. Trying again.`;
  };
  try {
    view.render(main, rest, { signal, failed });
  } catch (e) { failed(e); }
  // A keyboard or screen-reader user lands at the new view's heading.
  main.querySelector('h1')?.setAttribute('tabindex', '-1');
  if (document.activeElement === document.body || document.activeElement?.closest('nav')) main.querySelector('h1')?.focus({ preventScroll: true });
}

start().catch((e) => { if (e instanceof KeyRefused) askForKey(true); else say(main.querySelector('.message') ?? main, `The console could not start: ${e.message}`, true); });
