// The callback alert: while an offer rings the agent, who the customer is, with a countdown, Accept and Reject.
// GET /api/agents/{id}/alert: 404 while nothing rings; POST .../alert/accept|reject {"offer": N}: 409 when that
// offer no longer rings or the other choice was taken first; 202 when the callback has not taken it within 10 s.
import { call, getFresh, live } from '../api.mjs';
import { h, say } from '../dom.mjs';
import { when } from '../format.mjs';

export function alertPanel(agentId, signal, failed) {
  const path = `/api/agents/${encodeURIComponent(agentId)}/alert`;
  const panel = h('section', { class: 'card alert idle', 'aria-labelledby': 'alert-title' },
    h('h2', { id: 'alert-title' }, 'Callback alert'));
  const body = h('div', {}, h('p', { class: 'empty' }, 'No callback is ringing you.'));
  const message = h('p', { class: 'message', role: 'status' });
  panel.append(body, message);
  let shown = null; // "callbackId/offer" on screen
  let countdown = null;

  const show = (a) => {
    clearInterval(countdown);
    if (!a) {
      shown = null;
      panel.className = 'card alert idle';
      body.replaceChildren(h('p', { class: 'empty' }, 'No callback is ringing you.'));
      return;
    }
    const key = `${a.callbackId}/${a.offer}`;
    if (key === shown) return;
    shown = key;
    panel.className = 'card alert ringing';
    const left = h('span', { class: 'countdown', 'aria-live': 'off' });
    const tick = () => {
      const s = Math.max(0, Math.round((new Date(a.expiresAt) - Date.now()) / 1000));
      left.textContent = `${s} s`;
    };
    tick();
    countdown = setInterval(tick, 1000);
    signal.addEventListener('abort', () => clearInterval(countdown));
    const labels = a.types?.length ? a.types : [];
    const answer = (verb) => async () => {
      for (const b of body.querySelectorAll('button')) b.disabled = true;
      try {
        const r = await call('POST', `${path}/${verb}`, { body: { offer: a.offer }, signal });
        say(message, r.status === 202 ? `Sent, but not taken yet: ${r.body?.note ?? 'the callback shows what became of it.'}`
          : r.ok ? (verb === 'accept' ? 'Accepted: the customer is being connected.' : 'Rejected: it goes to the next agent.')
          : r.status === 409 ? `This offer is no longer ringing. ${r.message}` : r.message, !r.ok);
        await refresh();
      } catch (e) { failed(e); } finally { for (const b of body.querySelectorAll('button')) b.disabled = false; }
    };
    const fact = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value ?? '—'));
    body.replaceChildren(
      h('p', { role: 'alert', class: 'ringing-line' }, `Callback for ${a.name ?? a.number}: answer within `, left, '.'),
      h('dl', { class: 'facts' },
        fact('Name', a.name ?? 'unknown'),
        fact('Number', h('span', { class: 'number' }, a.number)),
        fact('Type', labels.length ? h('ul', { class: 'badges' }, labels.map((t) => h('li', { class: 'badge' }, t))) : 'none'),
        fact('Location', a.location),
        fact('Ad source', a.adSource),
        fact('Queue', a.queue),
        fact('Called our number', a.dialledNumber),
        fact('Comment', a.comment),
        fact('Offered', when(a.offeredAt))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'alert-accept', onclick: answer('accept') }, 'Accept'),
        h('button', { type: 'button', id: 'alert-reject', class: 'danger', onclick: answer('reject') }, 'Reject')));
  };

  const refresh = async () => {
    const { body: a, answer } = await getFresh(path, signal);
    show(answer.ok || answer.status === 304 ? a : null);
  };
  live(refresh, signal, failed);
  return panel;
}
