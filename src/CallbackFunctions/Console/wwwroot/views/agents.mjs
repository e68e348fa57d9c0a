// Supervisor: the agents, live; add, edit or remove one (PUT/DELETE /api/agents/{id}).
import { call, getFresh, live } from '../api.mjs';
import { h, replace, say, table, domId } from '../dom.mjs';
import { when } from '../format.mjs';
import { field, showErrors, clearErrors, summaryBox } from '../forms.mjs';

export function render(main, _, { signal, failed }) {
  const list = h('div', {}, h('p', { class: 'message' }, 'Loading the agents…'));
  const message = h('p', { class: 'message', role: 'status' });
  const editor = h('div', {});
  let agents = [];
  const edit = (agent) => {
    editor.replaceChildren(form(agent, signal, failed, message, () => { editor.replaceChildren(); addButton.focus(); }));
    editor.querySelector(agent ? '#agent-name' : '#agent-id').focus();
  };
  const addButton = h('button', { type: 'button', id: 'add-agent', onclick: () => edit(null) }, 'Add an agent');
  main.append(h('h1', {}, 'Agents'), h('div', { class: 'actions' }, addButton), message, editor, list);

  let pendingDelete = null;
  live(async () => {
    const { body, changed } = await getFresh('/api/agents', signal);
    if (!changed && list.querySelector('table, .empty')) return;
    agents = body ?? [];
    replace(list, table('Agents', ['Id', 'Name', 'Phone', 'Queues', 'Campaigns', 'Owners', 'Available', 'On a callback', 'Idle since', 'Cooling down until', 'Actions'],
      agents.map((a) => [a.id, a.name, a.phone, a.queues.join(', '), (a.campaigns ?? []).join(', ') || '—', (a.ownershipCodes ?? []).join(', ') || '—',
        a.available ? 'yes' : 'no', a.onCallback ? 'yes' : 'no', when(a.idleSince), when(a.cooldownUntil),
        h('span', { class: 'row-actions' },
          h('button', { type: 'button', id: domId('edit', a.id), 'aria-label': `Edit ${a.name}`, onclick: () => edit(a) }, 'Edit'),
          h('button', { type: 'button', class: 'danger', id: domId('delete', a.id), 'aria-label': `Delete ${a.name}`, onclick: async (e) => {
            // A second press confirms, so one slip of a key removes nobody.
            if (pendingDelete !== a.id) { pendingDelete = a.id; e.currentTarget.textContent = 'Press again to delete'; return; }
            pendingDelete = null;
            const answer = await call('DELETE', `/api/agents/${encodeURIComponent(a.id)}`, { signal });
            say(message, answer.ok ? `Deleted ${a.name}.` : answer.message, !answer.ok);
            addButton.focus();
          } }, 'Delete'))]), 'No agent yet.'));
  }, signal, failed);
}

function form(agent, signal, failed, message, close) {
  const f = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'agent-form-title' },
    h('h2', { id: 'agent-form-title' }, agent ? `Edit ${agent.name}` : 'Add an agent'),
    summaryBox(),
    field({ id: 'agent-id', label: 'Id', name: 'id', value: agent?.id, hint: 'Letters, digits, _ . - (at most 64).', attrs: agent ? { readonly: true } : {} }),
    field({ id: 'agent-name', label: 'Name', name: 'name', value: agent?.name }),
    field({ id: 'agent-phone', label: 'Phone', name: 'phone', value: agent?.phone, type: 'tel', hint: 'Any format a phone takes; saved as E.164.' }),
    field({ id: 'agent-queues', label: 'Queues', name: 'queues', value: agent?.queues.join(', '), hint: 'Comma-separated, 1 to 20.' }),
    field({ id: 'agent-campaigns', label: 'Campaigns', name: 'campaigns', value: agent?.campaigns?.join(', '), hint: 'The campaigns whose contacts they may call back; comma-separated. Empty: none.' }),
    field({ id: 'agent-owners', label: 'Ownership codes', name: 'ownershipCodes', value: agent?.ownershipCodes?.join(', '), hint: 'The private owners whose contacts they may call back; comma-separated. Empty: none.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save'), h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel')));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const id = f.elements.id.value.trim();
    const list = (name) => f.elements[name].value.split(',').map((q) => q.trim()).filter(Boolean);
    const body = { name: f.elements.name.value.trim(), phone: f.elements.phone.value.trim(),
      queues: list('queues'), campaigns: list('campaigns'), ownershipCodes: list('ownershipCodes') };
    try {
      const answer = await call('PUT', `/api/agents/${encodeURIComponent(id || '-')}`, { body, signal });
      if (answer.ok) { say(message, `Saved ${answer.body.name}.`); close(); return; }
      showErrors(f, id ? answer.errors : { ...answer.errors, id: ['an id is required'] }, `Not saved: ${answer.message}`);
    } catch (err) { failed(err); }
  });
  return f;
}
