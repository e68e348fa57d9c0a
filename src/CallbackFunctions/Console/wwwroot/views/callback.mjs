// One callback: the number in full, where it stands, its timeline with the CallSids; Cancel and Call now.
import { call, getFresh, live } from '../api.mjs';
import { h, replace, say, table } from '../dom.mjs';
import { when, relative, statusText } from '../format.mjs';

const LIVE = new Set(['Queued', 'DialingAgent', 'DialingCustomer']);

export function render(main, [id], { signal, failed }) {
  const path = `/api/callbacks/${encodeURIComponent(id ?? '')}`;
  const status = h('p', { class: 'message', role: 'status' });
  const body = h('div', { class: 'callback' }, h('p', { class: 'message' }, 'Loading…'));
  const cancel = h('button', { type: 'button', id: 'cancel-callback', class: 'danger' }, 'Cancel this callback');
  const callNow = h('button', { type: 'button', id: 'call-now' }, 'Call now');
  const actions = h('div', { class: 'actions' }, callNow, cancel);
  main.append(h('h1', {}, `Callback ${id ?? ''}`), h('p', {}, h('a', { href: '#/board' }, 'Back to the board')), actions, status, body);

  const act = async (button, route, done) => {
    button.disabled = true;
    try {
      const answer = await call('POST', `${path}/${route}`, { signal });
      say(status, answer.ok ? done(answer.body) : answer.message, !answer.ok);
      await refresh();
    } catch (e) { failed(e); } finally { button.disabled = false; }
  };
  cancel.addEventListener('click', () => act(cancel, 'cancel', (c) => `Cancelled: it is now ${statusText(c?.status ?? 'Cancelled')}.`));
  callNow.addEventListener('click', () => act(callNow, 'call-now', () => 'Due now: it is offered to the next free agent.'));

  let last = null;
  const refresh = async () => {
    const { body: c, changed, answer } = await getFresh(path, signal);
    if (!c) { actions.hidden = true; replace(body, h('p', { class: 'message error', role: 'alert' }, answer.message)); return; }
    cancel.hidden = !LIVE.has(c.status);
    callNow.hidden = c.status !== 'Queued';
    actions.hidden = cancel.hidden && callNow.hidden;
    if (!changed && last) return;
    last = c;
    replace(body, view(c));
  };
  live(refresh, signal, failed);
}

function view(c) {
  const fact = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value ?? '—'));
  return [
    h('dl', { class: 'facts card' },
      fact('Customer', h('span', { class: 'number' }, c.caller)),
      fact('Status', statusText(c.status)),
      fact('Queue', c.queue),
      fact('Calls from', c.callerId),
      fact('Origin', c.origin),
      fact('Attempt', `${c.attempt} of ${c.maxAttempts}`),
      fact('Position in line', c.position ? String(c.position) : null),
      fact('Estimate', c.estimatedAt ? `${when(c.estimatedAt)} (${relative(c.estimatedAt)})` : null),
      fact('Due', c.dueAt ? `${when(c.dueAt)} (${relative(c.dueAt)})` : null),
      fact('Expires', when(c.expiresAt)),
      fact('In line since', when(c.place)),
      fact('Promised', c.promisedAt ? when(c.promisedAt) : null),
      fact('Agent', c.boundAgent ? `${c.boundAgent}${c.preferredAgent ? ' (preferred)' : ''}` : 'any'),
      fact('Comment', c.comment),
      fact('Retries left', c.retriesLeft === null ? null : String(c.retriesLeft)),
      fact('Made', when(c.createdAt))),
    h('h2', {}, 'Timeline'),
    table('Timeline', ['Time', 'Change', 'Reason', 'CallSids'],
      c.timeline.map((e) => [when(e.at), e.from ? `${statusText(e.from)} → ${statusText(e.to)}` : `→ ${statusText(e.to)}`, e.reason,
        Object.entries(e.callSids ?? {}).map(([leg, sid]) => h('span', { class: 'sid' }, `${leg}: `, h('code', {}, sid)))]), 'Nothing yet.'),
    h('h2', {}, 'Requests'),
    table('What asked for it', ['Kind', 'Received', 'Place', 'Due', 'CallSid'],
      c.triggers.map((t) => [t.kind, when(t.receivedAt), when(t.place), when(t.dueAt), t.callSid ? h('code', {}, t.callSid) : '—']), 'None.'),
  ];
}
