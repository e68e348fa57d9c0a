// Agent: choose who you are; your availability, the callback alert, your pending callbacks (move, delete, call
// now) and scheduling a new one, with the API's refusals next to the fields.
import { call, getFresh, live } from '../api.mjs';
import { h, replace, say, table, domId } from '../dom.mjs';
import { mask, when, relative } from '../format.mjs';
import { field, checkbox, select, showErrors, clearErrors, summaryBox } from '../forms.mjs';
import { alertPanel } from './alert.mjs';

export function render(main, [agentId], ctx) {
  if (!agentId) { chooser(main, ctx); return; }
  agentView(main, agentId, ctx).catch(ctx.failed);
}

async function chooser(main, { signal, failed }) {
  main.append(h('h1', {}, 'Agent view'));
  try {
    const answer = await call('GET', '/api/agents', { signal });
    const agents = answer.ok ? answer.body : [];
    if (agents.length === 0) { main.append(h('p', { class: 'empty' }, 'No agent yet: add one under Agents.')); return; }
    const f = h('form', { class: 'card', novalidate: true },
      select({ id: 'choose-agent', label: 'I am', name: 'agent', value: agents[0].id, options: agents.map((a) => [a.id, `${a.name} (${a.id})`]) }),
      h('button', { type: 'submit' }, 'Open my view'));
    f.addEventListener('submit', (e) => { e.preventDefault(); location.hash = `#/agent/${encodeURIComponent(f.elements.agent.value)}`; });
    main.append(f);
  } catch (e) { failed(e); }
}

async function agentView(main, agentId, { signal, failed }) {
  const agentPath = `/api/agents/${encodeURIComponent(agentId)}`;
  const first = await call('GET', agentPath, { signal });
  if (!first.ok) { main.append(h('h1', {}, 'Agent view'), h('p', { class: 'message error', role: 'alert' }, first.message)); return; }
  let agent = first.body;
  const message = h('p', { class: 'message', role: 'status' });
  const toggle = h('button', { type: 'button', id: 'availability', class: 'toggle', 'aria-pressed': String(agent.available) }, 'Available for callbacks');
  const toggleNote = h('span', { class: 'note', id: 'availability-note' });
  const showAvailability = () => {
    toggle.setAttribute('aria-pressed', String(agent.available));
    toggleNote.textContent = agent.available ? ' You are available: callbacks may ring you.' : ' You are away: no callback rings you.';
  };
  showAvailability();
  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    try {
      const answer = await call('PUT', `${agentPath}/availability`, { body: { available: !agent.available }, signal });
      if (answer.ok) agent = answer.body;
      showAvailability();
      say(message, answer.ok ? '' : answer.message, !answer.ok);
    } catch (e) { failed(e); } finally { toggle.disabled = false; toggle.focus(); }
  });

  const pending = h('div', {}, h('p', { class: 'message' }, 'Loading your callbacks…'));
  const editor = h('div', {});
  main.append(
    h('h1', {}, `Agent: ${agent.name}`),
    h('p', { class: 'agent-bar' }, toggle, toggleNote, ' ', h('a', { href: '#/agent' }, 'Not you?')),
    message,
    alertPanel(agentId, signal, failed),
    h('section', { class: 'card', 'aria-labelledby': 'pending-title' }, h('h2', { id: 'pending-title' }, 'My pending callbacks'), editor, pending),
    scheduleForm(agent, signal, failed, message));

  const moveForm = (c) => {
    const f = h('form', { class: 'inline-form', novalidate: true, 'aria-label': `Change the time of ${c.id}` },
      h('p', {}, `Change the time of ${c.id} (${mask(c.caller)}), due ${when(c.dueAt)}.`),
      summaryBox(),
      field({ id: 'move-in', label: 'In minutes from now', name: 'in', type: 'number', attrs: { min: '0', inputmode: 'numeric' },
        hint: 'Or a time below; leave this empty to use the time.' }),
      field({ id: 'move-at', label: 'At (the queue\'s time zone; UTC without one)', name: 'at', type: 'datetime-local' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Move it'),
        h('button', { type: 'button', class: 'secondary', onclick: () => editor.replaceChildren() }, 'Cancel')));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const minutes = f.elements.in.value.trim();
      const body = minutes !== '' ? { in: { minutes: Number(minutes) } } : { at: f.elements.at.value || null };
      try {
        const answer = await call('PATCH', `/api/callbacks/${encodeURIComponent(c.id)}`, { body, signal });
        if (answer.ok) { say(message, `Moved: due ${when(answer.body.dueAt)}.`); editor.replaceChildren(); return; }
        showErrors(f, answer.errors, `Not moved: ${answer.message}`);
      } catch (err) { failed(err); }
    });
    editor.replaceChildren(f);
    f.elements.in.focus();
  };

  const act = async (c, method, route, done) => {
    try {
      const answer = await call(method, `/api/callbacks/${encodeURIComponent(c.id)}${route}`, { signal });
      say(message, answer.ok ? done : answer.message, !answer.ok);
    } catch (e) { failed(e); }
  };

  let shown = null;
  live(async () => {
    const [list, me] = await Promise.all([getFresh(`${agentPath}/callbacks`, signal), getFresh(agentPath, signal)]);
    if (me.body) { agent = me.body; showAvailability(); }
    const items = list.body?.items ?? [];
    // The estimate is the callback's own (its detail): position in its queue's line and the time it should ring.
    const details = new Map((await Promise.all(items.slice(0, 50).map((c) => getFresh(`/api/callbacks/${encodeURIComponent(c.id)}`, signal))))
      .filter((d) => d.body).map((d) => [d.body.id, { position: d.body.position, estimatedAt: d.body.estimatedAt }]));
    // Redrawn when something shown changed, and every 30 s for the "in 2 min" texts.
    const signature = JSON.stringify([items, [...details]]) + Math.floor(Date.now() / 30_000);
    if (signature === shown) return;
    shown = signature;
    replace(pending, table('My pending callbacks', ['Callback', 'Customer', 'Queue', 'Due', 'Estimate', 'Comment', 'Actions'],
      items.map((c) => {
        const d = details.get(c.id);
        return [
          h('a', { href: `#/callbacks/${encodeURIComponent(c.id)}` }, c.id),
          mask(c.caller),
          c.queue,
          c.dueAt ? `${when(c.dueAt)} (${relative(c.dueAt)})` : '—',
          h('span', { class: 'estimate', dataset: { callback: c.id } },
            d?.estimatedAt ? `${when(d.estimatedAt)} (${relative(d.estimatedAt)}), position ${d.position}` : d ? 'no estimate yet' : '—'),
          c.comment ?? '',
          h('span', { class: 'row-actions' },
            h('button', { type: 'button', id: domId('move', c.id), 'aria-label': `Change time of ${c.id}`, onclick: () => moveForm(c) }, 'Change time'),
            h('button', { type: 'button', id: domId('callnow', c.id), 'aria-label': `Call now: ${c.id}`, onclick: () => act(c, 'POST', '/call-now', 'Due now.') }, 'Call now'),
            h('button', { type: 'button', class: 'danger', id: domId('delete', c.id), 'aria-label': `Delete ${c.id}`,
              onclick: () => act(c, 'DELETE', '', 'Deleted: it will not ring.') }, 'Delete')),
        ];
      }), 'Nothing pending for you.'));
  }, signal, failed);
}

function scheduleForm(agent, signal, failed, message) {
  const whenChoice = (value, text, checked) => h('div', { class: 'check' },
    h('input', { type: 'radio', name: 'when', id: `when-${value}`, value, checked }), h('label', { for: `when-${value}` }, text));
  const f = h('form', { class: 'card schedule', novalidate: true, 'aria-labelledby': 'schedule-title' },
    h('h2', { id: 'schedule-title' }, 'Schedule a callback'),
    summaryBox(),
    field({ id: 'schedule-phone', label: 'Customer\'s number', name: 'phone', type: 'tel', hint: 'Any format a phone takes.' }),
    select({ id: 'schedule-queue', label: 'Queue', name: 'queue', value: agent.queues[0], options: agent.queues.map((q) => [q, q]) }),
    h('fieldset', { 'data-field': 'when' }, h('legend', {}, 'When'),
      whenChoice('in', 'In some time from now', true), whenChoice('at', 'At a time', false),
      h('div', { class: 'row', 'data-field': 'in' },
        field({ id: 'schedule-in-hours', label: 'Hours', name: 'in.hours', type: 'number', value: '0', attrs: { min: '0', inputmode: 'numeric' } }),
        field({ id: 'schedule-in-minutes', label: 'Minutes', name: 'in.minutes', type: 'number', value: '30', attrs: { min: '0', inputmode: 'numeric' } })),
      field({ id: 'schedule-at', label: 'At (the queue\'s time zone; UTC without one)', name: 'at', type: 'datetime-local' })),
    checkbox({ id: 'schedule-self', label: `I handle it myself (${agent.name})`, name: 'agentId', checked: true }),
    field({ id: 'schedule-comment', label: 'Comment (spoken to the agent)', name: 'comment', type: 'textarea', hint: 'At most 300 characters.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'schedule-submit' }, 'Schedule')));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const byTime = f.elements.when.value === 'at';
    const number = (name) => { const v = f.querySelector(`[data-field="${name}"]`).value.trim(); return v === '' ? 0 : Number(v); };
    const body = {
      phone: f.elements.phone.value.trim(),
      queue: f.elements.queue.value,
      ...(byTime ? { at: f.elements.at.value || null } : { in: { hours: number('in.hours'), minutes: number('in.minutes') } }),
      ...(f.elements.agentId.checked ? { agentId: agent.id } : {}),
      ...(f.elements.comment.value.trim() ? { comment: f.elements.comment.value.trim() } : {}),
    };
    try {
      const answer = await call('POST', '/api/callbacks', { body, signal });
      if (answer.ok) {
        const c = answer.body;
        say(message, `${answer.status === 201 ? 'Scheduled' : 'Merged into their callback'} ${c.id}: due ${when(c.dueAt)}${c.estimatedAt ? `, estimate ${when(c.estimatedAt)}` : ''}.`);
        f.elements.phone.value = '';
        f.elements.comment.value = '';
        return;
      }
      showErrors(f, answer.errors, `Not scheduled: ${answer.message}`);
    } catch (err) { failed(err); }
  });
  return f;
}
